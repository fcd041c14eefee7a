// The asynclint extension: starts `python -m asynclint server` (LSP over stdio) with the
// interpreter selected in the Python extension (or `asynclint.interpreter`), and restarts it
// when that interpreter or the extension's settings change.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

interface PythonEnvironments {
  getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
  onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
}

async function pythonEnvironments(): Promise<PythonEnvironments | undefined> {
  const ext = vscode.extensions.getExtension("ms-python.python");
  if (!ext) {
    return undefined;
  }
  const api = ext.isActive ? ext.exports : await ext.activate();
  return api?.environments as PythonEnvironments | undefined;
}

async function interpreter(): Promise<string> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const configured = vscode.workspace.getConfiguration("asynclint", folder).get<string>("interpreter");
  if (configured) {
    return configured;
  }
  const envs = await pythonEnvironments();
  const selected = envs?.getActiveEnvironmentPath(folder)?.path;
  return selected || (process.platform === "win32" ? "python" : "python3");
}

function initializationOptions(): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration("asynclint");
  return {
    lintDelay: cfg.get<number>("lintDelay", 100),
    docsBaseUrl: cfg.get<string>("docsBaseUrl", "") || null,
    configFile: cfg.get<string>("configFile", "") || null,
    unsafeFixAll: cfg.get<boolean>("unsafeFixAll", false),
  };
}

async function start(): Promise<void> {
  const python = await interpreter();
  output?.appendLine(`Starting: ${python} -m asynclint server`);
  const serverOptions: ServerOptions = {
    command: python,
    args: ["-m", "asynclint", "server"],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
    ],
    outputChannel: output,
    initializationOptions: initializationOptions(),
  };
  client = new LanguageClient("asynclint", "asynclint", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = `asynclint: cannot start the server with ${python} (is asynclint installed in it? pip install asynclint): ${err}`;
    void vscode.window.showErrorMessage(message);
    output?.appendLine(message);
  }
}

async function restart(): Promise<void> {
  if (client) {
    await client.stop();
    client = undefined;
  }
  await start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("asynclint");
  context.subscriptions.push(output);
  context.subscriptions.push(vscode.commands.registerCommand("asynclint.restart", restart));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("asynclint")) {
        void restart();
      }
    }),
  );
  const envs = await pythonEnvironments();
  if (envs) {
    context.subscriptions.push(envs.onDidChangeActiveEnvironmentPath(() => void restart()));
  }
  await start();
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
