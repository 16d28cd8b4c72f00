# bash completion for dropcat-sim (written by hand; dropcat-sim has six options).
_dropcat_sim() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
  --listen)
    COMPREPLY=($(compgen -W '127.0.0.1:0 127.0.0.1:8443 [::1]:0' -- "$cur"))
    return ;;
  --log|--tls-cert|--tls-key)
    COMPREPLY=($(compgen -f -- "$cur"))
    return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W '--listen --log --tls-cert --tls-key --check --help --version' -- "$cur"))
  else
    COMPREPLY=($(compgen -f -X '!*.toml' -- "$cur") $(compgen -d -- "$cur"))
  fi
}
complete -o filenames -F _dropcat_sim dropcat-sim
