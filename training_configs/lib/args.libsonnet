// Ext vars with defaults. Every value a user may change is read here by name, from the
// environment (e.g. `lr=3e-5 allennlp train ...`) or from explicit ext_vars, falling back to the
// default written in the config. `XLT_EXT_VARS` is provided by xlt_allennlp (see
// xlt_allennlp/common/ext_vars.py): load configs with the package imported (`--include-package
// xlt_allennlp`, or the repo's .allennlp_plugins).
local all = std.parseJson(std.extVar('XLT_EXT_VARS'));
local has(name) = std.objectHas(all, name) && all[name] != '';
{
  // A string, e.g. a path or an encoder name.
  str(name, default):: if has(name) then all[name] else default,
  // A JSON value: numbers, booleans, lists ("[0, 1]").
  json(name, default):: if has(name) then std.parseJson(all[name]) else default,
  // A string the user must give (a data path): without it, loading the config stops with one
  // line naming the ext var and `hint` (xlt_allennlp turns this error into a ConfigError).
  required(name, hint):: if has(name) then all[name]
                         else error 'XLT_MISSING_EXT_VAR ' + name + ': ' + hint,
}
