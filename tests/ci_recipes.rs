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

mod ci_support;

use std::collections::{BTreeSet, HashMap};

use ci_support::*;
use serde_json::Value;

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
