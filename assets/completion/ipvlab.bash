# bash completion for ipvlab: commands, options, lab files, the lab's hosts and steps.
#   source <(ipvlab completion bash)
# or, for every new shell:
#   ipvlab completion bash > ~/.local/share/bash-completion/completions/ipvlab
_ipvlab() {
    local cur=${COMP_WORDS[COMP_CWORD]} c
    local -a reply
    mapfile -t reply < <("${COMP_WORDS[0]}" __complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
    COMPREPLY=()
    case ${reply[0]} in
        :labs)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur"; compgen -f -X '!*.lab.yaml' -- "$cur"; compgen -f -X '!*.sh' -- "$cur")
            ;;
        :files)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            ;;
        :dirs)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            ;;
        :words)
            # Step names have spaces: quoted as the word on the line began, else backslashed.
            for c in "${reply[@]:1}"; do
                case $cur in
                    \"*) COMPREPLY+=("\"$c\"") ;;
                    \'*) COMPREPLY+=("'$c'") ;;
                    *) printf -v c '%q' "$c"; COMPREPLY+=("$c") ;;
                esac
            done
            ;;
    esac
}
complete -F _ipvlab ipvlab
