# bash completion for vmaprep. Options come from the installed tool's own
# --help (so they never drift); files and directories otherwise.
_vmaprep() {
  local cur prev cmd
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  if (( COMP_CWORD == 1 )); then
    COMPREPLY=($(compgen -W "check fix validate merge report --help --version" -- "$cur"))
    return
  fi
  cmd=${COMP_WORDS[1]}
  case $prev in
    -p|--root|--patches|--config|--baseline|--export-fixes|-o|--from-json)
      COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
    --api)
      COMPREPLY=($(compgen -W "6.16 6.18 6.19 7.0 7.1 auto" -- "$cur")); return ;;
    --format)
      COMPREPLY=($(compgen -W "text json sarif codequality markdown html" -- "$cur")); return ;;
    --fail-on)
      COMPREPLY=($(compgen -W "error convertible needs-api blocked any" -- "$cur")); return ;;
  esac
  if [[ $cur == -* ]]; then
    local opts
    opts=$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null | grep -oE '^ +(-[a-zA-Z], )?--?[a-z][-a-z]*' | grep -oE -- '--?[a-z][-a-z]*$')
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
  compopt -o filenames 2>/dev/null
}
complete -F _vmaprep vmaprep
