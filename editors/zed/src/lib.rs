//! Zed extension: runs `asynclint server` (found on the worktree's PATH, e.g. its virtualenv)
//! for Python files. Settings under `lsp.asynclint` in Zed's settings.json:
//! `binary.path`/`binary.arguments` to run another command, `initialization_options` for the
//! server's options (lintDelay, docsBaseUrl, configFile, unsafeFixAll).
use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct AsyncLint;

impl zed::Extension for AsyncLint {
    fn new() -> Self {
        AsyncLint
    }

    fn language_server_command(&mut self, id: &LanguageServerId, worktree: &zed::Worktree) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(id.as_ref(), worktree).ok().and_then(|s| s.binary);
        if let Some(path) = binary.as_ref().and_then(|b| b.path.clone()) {
            let args = binary.and_then(|b| b.arguments).unwrap_or_else(|| vec!["server".into()]);
            return Ok(zed::Command { command: path, args, env: worktree.shell_env() });
        }
        let path = worktree
            .which("asynclint")
            .ok_or_else(|| "asynclint is not on PATH: pip install asynclint (in the project's virtualenv)".to_string())?;
        Ok(zed::Command { command: path, args: vec!["server".into()], env: worktree.shell_env() })
    }

    fn language_server_initialization_options(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree).ok().and_then(|s| s.initialization_options))
    }
}

zed::register_extension!(AsyncLint);
