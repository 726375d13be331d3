#compdef ipvlab
# zsh completion for ipvlab: commands, options, lab files, the lab's hosts and steps.
#   source <(ipvlab completion zsh)
# or, for every new shell, save it as _ipvlab in a folder of $fpath:
#   ipvlab completion zsh > "${fpath[1]}/_ipvlab"
_ipvlab() {
  local -a reply candidates
  reply=("${(@f)$(${words[1]} __complete -- "${(@)words[2,CURRENT]}" 2>/dev/null)}")
  candidates=("${(@)reply[2,-1]}")
  case ${reply[1]} in
    :labs) _files -g '*.(lab.yaml|sh)' ;;
    :files) _files ;;
    :dirs) _files -/ ;;
    :words) compadd -a candidates ;;
  esac
}
# Autoloaded from $fpath the file is the function's body; sourced, it registers it.
if [[ "$funcstack[1]" == _ipvlab ]]; then
  _ipvlab "$@"
else
  compdef _ipvlab ipvlab
fi
