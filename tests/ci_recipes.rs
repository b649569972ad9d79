//! The CI recipes in docs/ci/ are run, not just read: the shell between each recipe's
//! `# pwconform-recipe: begin` / `end` markers runs against `pwconform serve` (standing in for the
//! API's service container) in a workspace made by `pwconform init`, with the environment the CI
//! system would give it (the recipe's own `env:` with secrets filled in, GitLab's variables,
//! Jenkins' bound credentials), and the files the recipe then hands to its CI system (artifacts,
//! JUnit) must exist. The YAML recipes are parsed, and their structure checked.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    clippy::indexing_slicing
)]

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use pwconform::target::{load_accounts, variable_prefix, variables_in};
use serde_json::Value;

const BEGIN: &str = "# pwconform-recipe: begin";
const END: &str = "# pwconform-recipe: end";
const ACCOUNTS: &str = "ci/pwconform-accounts.yaml";

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("pwconform")
}

fn recipe(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/ci")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn yaml(name: &str) -> Value {
    serde_saphyr::from_str(&recipe(name)).unwrap_or_else(|e| panic!("{name} is not YAML: {e}"))
}

/// The lines strictly between the markers, with their common indentation removed. Exactly one
/// block per recipe: a second one would go untested.
fn between_markers(text: &str) -> String {
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
struct Served {
    child: Child,
    base_url: String,
    /// The throwaway accounts as the variables of `init`'s template (`ADMIN1_PASSWORD`...).
    env: HashMap<String, String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dialect: &str, faults: &[&str], dir: &Path) -> Served {
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
fn workspace(dialect: &str) -> (tempfile::TempDir, BTreeSet<String>) {
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
fn run_block(shell: &[&str], block: &str, ws: &Path, env: &HashMap<String, String>) -> Output {
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

fn show(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// GitHub's default `run` shell.
const GITHUB_BASH: [&str; 6] = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"];

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer}"))
}

/// The GitHub job, its contract step's shell, and its environment with `${{ secrets.X }}` taken
/// from `secrets` (an unknown secret is empty, as on GitHub).
fn github_job(secrets: &HashMap<String, String>) -> (Value, String, HashMap<String, String>) {
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

#[test]
fn github_actions_recipe_is_well_formed_and_names_every_secret_of_the_template() {
    let doc = yaml("github-actions.yml");
    assert_eq!(str_at(&doc, "/permissions/checks"), "write");
    assert!(doc["on"].get("pull_request").is_some(), "{doc}");
    let (job, _, env) = github_job(&HashMap::new());
    let (_, vars) = workspace("ocariot");
    let secrets: BTreeSet<String> = env
        .keys()
        .filter(|k| *k != "PWCONFORM_TARGET")
        .cloned()
        .collect();
    assert_eq!(
        secrets, vars,
        "the job's env must pass every ${{VAR}} of the template"
    );
    let steps = job["steps"].as_array().unwrap();
    let uses = |prefix: &str| {
        steps
            .iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(prefix)))
            .unwrap_or_else(|| panic!("no step uses {prefix}"))
    };
    for step in [
        uses("actions/upload-artifact@"),
        uses("mikepenz/action-junit-report@"),
    ] {
        // Reports are published when the contract step failed too.
        assert!(str_at(step, "/if").contains("!cancelled()"), "{step}");
    }
    assert!(job["services"]["api"]["image"].is_string());
}

#[test]
fn github_actions_recipe_runs_green_and_hands_over_its_reports() {
    let (ws, _) = workspace("ocariot");
    let served = serve("ocariot", &[], ws.path());
    let (job, block, mut env) = github_job(&served.env);
    // The service container is replaced by the reference server.
    env.insert("PWCONFORM_TARGET".into(), served.base_url.clone());
    let summary = ws.path().join("step-summary.md");
    env.insert("GITHUB_ACTIONS".into(), "true".into());
    env.insert("GITHUB_STEP_SUMMARY".into(), summary.display().to_string());
    let out = run_block(&GITHUB_BASH, &block, ws.path(), &env);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("::error"),
        "{}",
        show(&out)
    );
    let steps = job["steps"].as_array().unwrap();
    let with = |prefix: &str, key: &str| -> String {
        steps
            .iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(prefix)))
            .map(|s| str_at(s, &format!("/with/{key}")).to_owned())
            .unwrap()
    };
    let artifacts = with("actions/upload-artifact@", "path");
    let junit = with("mikepenz/action-junit-report@", "report_paths");
    assert!(artifacts.contains("reports/report.html"), "{artifacts}");
    for file in artifacts.lines().chain([junit.as_str()]) {
        assert!(
            ws.path().join(file).is_file(),
            "{file} was not written\n{}",
            show(&out)
        );
        // The restore journal holds passwords: never an artifact.
        assert!(!file.contains("journal") && !file.ends_with('/'), "{file}");
    }
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.contains("ocariot"), "{summary}");
}

#[test]
fn github_actions_recipe_fails_the_job_with_annotations_when_the_api_breaks_its_contract() {
    let (ws, _) = workspace("ocariot");
    let served = serve("ocariot", &["accept-empty-passwords"], ws.path());
    let (_, block, mut env) = github_job(&served.env);
    env.insert("PWCONFORM_TARGET".into(), served.base_url.clone());
    env.insert("GITHUB_ACTIONS".into(), "true".into());
    let out = run_block(&GITHUB_BASH, &block, ws.path(), &env);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::error file=cases/empty-strings.yaml,line="),
        "{}",
        show(&out)
    );
    assert!(ws.path().join("reports/junit.xml").is_file());
    for secret in served
        .env
        .iter()
        .filter(|(k, _)| k.ends_with("_PASSWORD"))
        .map(|(_, v)| v)
    {
        assert!(!stdout.contains(secret.as_str()), "a password in the log");
    }
}

#[test]
fn gitlab_recipe_is_well_formed_runs_green_and_hands_over_its_reports() {
    let doc = yaml("gitlab-ci.yml");
    let job = &doc["pwconform"];
    assert_eq!(str_at(job, "/artifacts/when"), "always");
    assert!(!str_at(job, "/artifacts/expose_as").is_empty());
    let junit = str_at(job, "/artifacts/reports/junit").to_owned();
    let paths: Vec<String> = job["artifacts"]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    assert!(
        paths.contains(&"reports/report.html".to_owned()),
        "{paths:?}"
    );
    let scripts: Vec<&str> = job["script"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .filter(|s| s.contains(BEGIN))
        .collect();
    assert_eq!(scripts.len(), 1);
    let block = between_markers(scripts[0]);
    assert!(block.contains("\npwconform run "), "{block}");

    let (ws, _) = workspace("ocariot");
    let served = serve("ocariot", &[], ws.path());
    // GitLab exports the project's CI/CD variables and the job's `variables:`.
    let mut env = served.env.clone();
    for (k, v) in job["variables"].as_object().unwrap() {
        env.insert(k.clone(), v.as_str().unwrap().to_owned());
    }
    env.insert("PWCONFORM_TARGET".into(), served.base_url.clone());
    env.insert("GITLAB_CI".into(), "true".into());
    let out = run_block(&["bash", "-e", "-c"], &block, ws.path(), &env);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    for file in paths.iter().chain([&junit]) {
        assert!(
            ws.path().join(file).is_file(),
            "{file} was not written\n{}",
            show(&out)
        );
        assert!(!file.contains("journal") && !file.ends_with('/'), "{file}");
    }
    let xml = std::fs::read_to_string(ws.path().join(&junit)).unwrap();
    assert!(
        xml.contains(" file=\"cases/"),
        "GitLab links cases by file and line"
    );
}

/// `name: 'VALUE'` arguments in the Jenkinsfile.
fn groovy_args<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    let key = format!("{name}: '");
    text.match_indices(&key)
        .filter_map(|(at, _)| text.get(at + key.len()..)?.split('\'').next())
        .collect()
}

#[test]
fn jenkins_stage_binds_every_credential_runs_green_and_hands_over_its_reports() {
    let text = recipe("Jenkinsfile");
    // Groovy's ''' strings read backslashes: none may be in the shell.
    let block = between_markers(&text);
    assert!(block.contains("\npwconform run "), "{block}");
    assert!(!block.contains('\\'), "{block}");
    assert_eq!(
        text.matches('{').count(),
        text.matches('}').count(),
        "unbalanced braces"
    );
    assert_eq!(text.matches("sh '''").count(), 1);
    let bound: BTreeSet<String> = groovy_args(&text, "usernameVariable")
        .into_iter()
        .chain(groovy_args(&text, "passwordVariable"))
        .map(str::to_owned)
        .collect();
    let (ws, vars) = workspace("ocariot");
    assert_eq!(
        bound, vars,
        "withCredentials must bind every ${{VAR}} of the template"
    );
    let junit = groovy_args(&text, "testResults");
    let archived: Vec<&str> = groovy_args(&text, "artifacts")
        .iter()
        .flat_map(|a| a.split(','))
        .map(str::trim)
        .collect();
    assert_eq!(junit.len(), 1);

    let served = serve("ocariot", &[], ws.path());
    let mut env: HashMap<String, String> = served
        .env
        .iter()
        .filter(|(k, _)| bound.contains(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    env.insert("PWCONFORM_TARGET".into(), served.base_url.clone());
    // Jenkins runs `sh` steps with `sh -xe`.
    let out = run_block(&["sh", "-e", "-c"], &block, ws.path(), &env);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    for file in archived.iter().chain(&junit) {
        assert!(
            ws.path().join(file).is_file(),
            "{file} was not written\n{}",
            show(&out)
        );
        assert!(!file.contains("journal") && !file.contains('*'), "{file}");
    }
}

/// docs/ci/README.md's one-liner prints the GitHub `env:` lines of any accounts file.
#[test]
fn readme_env_lines_pass_every_variable_of_a_template() {
    let block = between_markers(&recipe("README.md"));
    for dialect in ["openspecimen", "ocariot"] {
        let (ws, vars) = workspace(dialect);
        let out = run_block(&["bash", "-e", "-c"], &block, ws.path(), &HashMap::new());
        assert!(out.status.success(), "{}", show(&out));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let env: Value = serde_saphyr::from_str(&format!("env:\n{stdout}")).unwrap();
        let names: BTreeSet<String> = env["env"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(names, vars, "{stdout}");
        for line in stdout.lines() {
            let (name, value) = line.trim().split_once(": ").unwrap();
            assert_eq!(value, format!("${{{{ secrets.{name} }}}}"));
        }
    }
}
