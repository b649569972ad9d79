//! What the CI recipe tests share: reading a recipe's marked shell block, a `pwconform serve`
//! standing in for the API's service container, a workspace made by `pwconform init`, and
//! running a block with the environment a CI system would give it.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::string_slice, clippy::indexing_slicing)]

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use pwconform::target::{load_accounts, variable_prefix, variables_in};
use serde_json::Value;

pub const BEGIN: &str = "# pwconform-recipe: begin";
pub const END: &str = "# pwconform-recipe: end";
pub const ACCOUNTS: &str = "ci/pwconform-accounts.yaml";

pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("pwconform")
}

pub fn recipe(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/ci")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn yaml(name: &str) -> Value {
    serde_saphyr::from_str(&recipe(name)).unwrap_or_else(|e| panic!("{name} is not YAML: {e}"))
}

/// The lines strictly between the markers, with their common indentation removed. Exactly one
/// block per recipe: a second one would go untested.
pub fn between_markers(text: &str) -> String {
    assert_eq!(text.matches(BEGIN).count(), 1, "{text}");
    assert_eq!(text.matches(END).count(), 1, "{text}");
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|l| l.trim() != BEGIN)
        .skip(1)
        .take_while(|l| l.trim() != END)
        .collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let block: Vec<&str> = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect();
    block.join("\n") + "\n"
}

/// `pwconform serve` on a free port, killed when dropped.
pub struct Served {
    pub child: Child,
    pub base_url: String,
    /// The throwaway accounts as the variables of `init`'s template (`ADMIN1_PASSWORD`...).
    pub env: HashMap<String, String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve(dialect: &str, faults: &[&str], dir: &Path) -> Served {
    let file = dir.join("served-accounts.yaml");
    let mut command = Command::new(bin());
    command
        .args(["serve", dialect, "--port", "0", "--write-accounts"])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for f in faults {
        command.args(["--fault", f]);
    }
    let mut child = command.spawn().unwrap();
    // The server prints "accounts file: ..." once it listens and the file is written.
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.starts_with("accounts file:"));
    // Keep reading: a server whose stdout is closed dies at its next line.
    std::thread::spawn(move || lines.for_each(drop));
    let served = load_accounts(&file);
    let mut s = Served {
        child,
        base_url: String::new(),
        env: HashMap::new(),
    };
    assert!(ready, "pwconform serve ended before writing its accounts");
    let served = served.unwrap();
    s.base_url = served.base_url.clone().unwrap();
    for (role, list) in &served.accounts {
        let mut plain = 0;
        for a in list {
            let prefix = if a.traits.is_empty() {
                plain += 1;
                variable_prefix(role, Some(plain - 1), &[])
            } else {
                variable_prefix(role, None, &a.traits)
            };
            let id =
                a.id.as_ref()
                    .map(|v| v.to_string().trim_matches('"').to_owned());
            for (key, value) in [
                ("USERNAME", a.username.clone()),
                ("PASSWORD", a.password.clone()),
                ("ID", id),
            ] {
                if let Some(v) = value {
                    s.env.insert(format!("{prefix}_{key}"), v);
                }
            }
        }
    }
    s
}

/// A workspace as a newcomer's repository has it: `ci/pwconform-accounts.yaml` from `init`.
/// Returns it and the `${VAR}`s of the template.
pub fn workspace(dialect: &str) -> (tempfile::TempDir, BTreeSet<String>) {
    let ws = tempfile::tempdir().unwrap();
    let path = ws.path().join(ACCOUNTS);
    let out = Command::new(bin())
        .args(["init", "--dialect", dialect, "-o"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let vars = variables_in(&std::fs::read_to_string(&path).unwrap())
        .into_iter()
        .collect();
    (ws, vars)
}

/// Runs `block` as the CI system would (`shell` with its flags) in `ws`, with only `env` and a
/// PATH that finds this build's `pwconform` first.
pub fn run_block(shell: &[&str], block: &str, ws: &Path, env: &HashMap<String, String>) -> Output {
    let bin_dir = bin().parent().unwrap().to_path_buf();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path =
        std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(&path))).unwrap();
    let (program, flags) = shell.split_first().unwrap();
    Command::new(program)
        .args(flags)
        .arg(block)
        .current_dir(ws)
        .env_clear()
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .envs(env)
        .output()
        .unwrap()
}

pub fn show(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// GitHub's default `run` shell.
pub const GITHUB_BASH: [&str; 6] = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"];

pub fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer}"))
}

/// The GitHub job, its contract step's shell, and its environment with `${{ secrets.X }}` taken
/// from `secrets` (an unknown secret is empty, as on GitHub).
pub fn github_job(secrets: &HashMap<String, String>) -> (Value, String, HashMap<String, String>) {
    let doc = yaml("github-actions.yml");
    let job = doc["jobs"]["password-contract"].clone();
    let steps = job["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .filter(|r| r.contains(BEGIN))
        .collect();
    assert_eq!(runs.len(), 1);
    let block = between_markers(runs[0]);
    assert!(block.contains("\npwconform run "), "{block}");
    let env = job["env"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let v = v.as_str().unwrap();
            let value = match v
                .strip_prefix("${{ secrets.")
                .and_then(|s| s.strip_suffix(" }}"))
            {
                Some(name) => secrets.get(name).cloned().unwrap_or_default(),
                None => v.to_owned(),
            };
            (k.clone(), value)
        })
        .collect();
    (job, block, env)
}
