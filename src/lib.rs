//! pwconform: contract tests for password-change HTTP APIs.
//!
//! Data flows one way (see DESIGN.md): `spec` + `case` + `target` are loaded, `plan` turns them into
//! concrete steps without I/O, `exec` sends them, `check` judges each answer, `report` writes what
//! happened. `reference` holds the embedded servers, which the runner only reaches over HTTP.

pub mod assets;
pub mod baseline;
pub mod case;
pub mod check;
pub mod cli;
pub mod clock;
pub mod coverage;
pub mod embedded;
pub mod exec;
pub mod generate;
pub mod plan;
pub mod redact;
pub mod reference;
pub mod report;
pub mod result;
pub mod run;
pub mod scaffold;
pub mod selftest;
pub mod source;
pub mod spec;
pub mod target;
pub mod template;
