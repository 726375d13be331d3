# fish completion for ipvlab: commands, options, lab files, the lab's hosts and steps.
#   ipvlab completion fish > ~/.config/fish/completions/ipvlab.fish
function __ipvlab_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l reply ($tokens[1] __complete -- $tokens[2..-1] $current 2>/dev/null)
    switch "$reply[1]"
        case :labs
            __fish_complete_suffix .lab.yaml
            __fish_complete_suffix .sh
        case :files
            __fish_complete_path $current
        case :dirs
            __fish_complete_directories $current
        case :words
            string join \n -- $reply[2..-1]
    end
end
complete -c ipvlab -f -a '(__ipvlab_complete)'
