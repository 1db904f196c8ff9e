" kvet as a Vim compiler: copy this file to ~/.vim/compiler/kvet.vim, then
"   :compiler kvet      (or in ~/.vim/after/ftplugin/yaml.vim)
"   :make               lint the current file; :copen lists the findings
" Or fill the quickfix list without :make:
"   :cexpr system('kvet lint --quiet ' .. shellescape(expand('%')))
" kvet's text format is file:line:col: severity: message (rule-id), with
" 1-based byte columns as %c expects; --quiet leaves out the summary line.
" Related locations follow a finding as indented "note:" lines.
if exists('current_compiler')
  finish
endif
let current_compiler = 'kvet'
if exists(':CompilerSet') != 2
  command -nargs=* CompilerSet setlocal <args>
endif
CompilerSet makeprg=kvet\ lint\ --quiet\ %:S
CompilerSet errorformat=%f:%l:%c:\ %trror:\ %m,%f:%l:%c:\ %tarning:\ %m,%f:%l:%c:\ %tnfo:\ %m,%\\s%\\+%f:%l:%c:\ %tote:\ %m,%-G%.%#
