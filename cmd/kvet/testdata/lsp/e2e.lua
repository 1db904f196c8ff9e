-- Drives `kvet lsp` from Neovim's built-in LSP client (0.7+), headless:
-- opens KVET_FILE (in the workspace folder KVET_ROOT, else its directory),
-- waits for KVET_MIN diagnostics (default 2), applies the quick fix at
-- KVET_FIX_LINE, edits the buffer to add a new problem (replacing the Lua
-- pattern KVET_EDIT_FROM with KVET_EDIT_TO, reported as KVET_NEW_CODE;
-- by default a tag made latest, image-tag-mutable), and records what the
-- client saw in KVET_OUT (JSON). The Go test asserts on the record.
local kvet, file, out = os.getenv('KVET_BIN'), os.getenv('KVET_FILE'), os.getenv('KVET_OUT')
local fix_line = tonumber(os.getenv('KVET_FIX_LINE'))
local root = os.getenv('KVET_ROOT') or vim.fn.fnamemodify(file, ':h')
local min = tonumber(os.getenv('KVET_MIN') or '2')
local edit_from = os.getenv('KVET_EDIT_FROM') or '"reports:1%.4%.2"'
local edit_to = os.getenv('KVET_EDIT_TO') or '"reports:latest"'
local new_code = os.getenv('KVET_NEW_CODE') or 'image-tag-mutable'
local record = { steps = {} }

local function finish(err)
  record.error = err
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(record))
  f:close()
  vim.cmd('qa!')
end

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'kvet',
    cmd = { kvet, 'lsp' },
    root_dir = root,
  })
  if not client_id then
    return finish('the client did not start')
  end
  vim.lsp.buf_attach_client(buf, client_id)
  local client = vim.lsp.get_client_by_id(client_id)

  local function diagnostics()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(out, {
        lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
        severity = d.severity, code = d.code, source = d.source, message = d.message,
      })
    end
    table.sort(out, function(a, b) return a.lnum < b.lnum or a.lnum == b.lnum and a.col < b.col end)
    return out
  end
  local function has(code)
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == code then return true end
    end
    return false
  end
  local function step(name, ok)
    table.insert(record.steps, { name = name, ok = ok, diagnostics = diagnostics(),
      lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false) })
    return ok
  end

  -- 1. Diagnostics of the file as opened.
  if not step('open', vim.wait(15000, function() return #vim.diagnostic.get(buf) >= min end, 20)) then
    return finish('no diagnostics after opening')
  end
  local fixed_code
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.lnum == fix_line then fixed_code = d.code end
  end

  -- 2. The quick fix at the fixable finding, applied as the user would.
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = fix_line, character = 0 }, ['end'] = { line = fix_line, character = 0 } },
    context = { diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000) or {}
  local titles, chosen = {}, nil
  for _, r in pairs(responses) do
    for _, a in ipairs(r.result or {}) do
      table.insert(titles, a.title)
      if not chosen and a.isPreferred and a.edit then chosen = a end
    end
  end
  record.actions = titles
  if not chosen then
    return finish('no preferred quick fix at line ' .. fix_line)
  end
  record.applied = chosen.title
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  if not step('fixed', vim.wait(15000, function() return not has(fixed_code) end, 20)) then
    return finish('the fixed finding is still reported')
  end

  -- 3. An edit that introduces a new problem.
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for i, l in ipairs(lines) do
    local changed = l:gsub(edit_from, edit_to)
    if changed ~= l then
      vim.api.nvim_buf_set_lines(buf, i - 1, i, false, { changed })
    end
  end
  if not step('edited', vim.wait(15000, function() return has(new_code) end, 20)) then
    return finish('no diagnostic for the new problem')
  end

  -- 4. Hover on the new finding.
  local new
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == new_code then new = d end
  end
  local line = vim.api.nvim_buf_get_lines(buf, new.lnum, new.lnum + 1, false)[1]
  local _, utf16 = vim.str_utfindex(line, new.col + 1) -- inside the range
  local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = new.lnum, character = utf16 },
  }, 10000) or {}
  for _, r in pairs(hover) do
    if r.result then record.hover = r.result.contents.value end
  end

  vim.lsp.stop_client(client_id)
  finish(nil)
end

local ok, err = pcall(run)
if not ok then finish('lua error: ' .. tostring(err)) end
