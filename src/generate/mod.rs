//! Cases generated from the contract: `generate: {field, families}` in a case file becomes one
//! case per value of each family, for each dialect. The values come from the dialect's request
//! schema (type, `minLength`/`maxLength`, `pattern`) and its `id_rules`; the expected outcome of
//! each is computed from the dialect ([`expect`]), never written per dialect in Rust.
//!
//! Where the contract is silent about a value, the derived case accepts any documented outcome
//! (status and schema only, never a 5xx) and is tagged `contract-silent`. Generation is
//! deterministic: the same case file and dialect give the same cases, ids and values.

pub mod expect;
mod families;
mod ids;

use serde_saphyr::Spanned;

use crate::case::{Case, Expect, Generate, Generated};
use crate::source::LoadError;
use crate::spec::{FIELDS, LoadedDialect};

pub use families::{Change, Variant};

/// Families a `generate:` may name. The first five need a `field`.
pub const FAMILIES: &[&str] = &[
    "types",
    "empty",
    "whitespace",
    "lengths",
    "unicode",
    "ids",
    "headers",
    "bodies",
];

/// Families about one field's values.
const FIELD_FAMILIES: &[&str] = &["types", "empty", "whitespace", "lengths", "unicode", "ids"];

/// Tag of a case whose contract is silent about its input (only universal promises checked).
pub const CONTRACT_SILENT: &str = "contract-silent";

/// Problems in a `generate:` block, at `file:line:col`.
pub fn check_generate(case: &Case, g: &Generate) -> Vec<LoadError> {
    let mut e = Vec::new();
    if let Some(f) = &g.field
        && !FIELDS.contains(&f.value.as_str())
    {
        e.push(case.error_at(
            f,
            format!(
                "unknown field `{}` in `generate`; expected one of: {}",
                f.value,
                FIELDS.join(", ")
            ),
        ));
    }
    if g.families.is_empty() {
        e.push(case.error_at(&case.def.id, "`generate` needs at least one family"));
    }
    for fam in &g.families {
        if !FAMILIES.contains(&fam.value.as_str()) {
            e.push(case.error_at(
                fam,
                format!(
                    "unknown family `{}`; expected one of: {}",
                    fam.value,
                    FAMILIES.join(", ")
                ),
            ));
        } else if g.field.is_none() && FIELD_FAMILIES.contains(&fam.value.as_str()) {
            e.push(case.error_at(fam, format!("family `{}` needs `field:`", fam.value)));
        }
    }
    e
}

/// The cases `case` stands for on `dialect`: itself when it generates nothing.
pub fn expand(case: &Case, dialect: &LoadedDialect) -> Vec<Case> {
    let Some(g) = &case.def.generate else {
        return vec![derived(case, case.def.clone())];
    };
    let field = g.field.as_ref().map(|f| f.value.as_str());
    g.families
        .iter()
        .flat_map(|fam| families::variants(&fam.value, field, dialect))
        .map(|v| derived(case, def_for(case, field, v)))
        .collect()
}

fn derived(case: &Case, def: crate::case::CaseDef) -> Case {
    Case {
        def,
        theme: case.theme.clone(),
        file: case.file.clone(),
    }
}

/// The case file's case with the variant's change and computed expectation in place.
fn def_for(case: &Case, field: Option<&str>, v: Variant) -> crate::case::CaseDef {
    let mut def = case.def.clone();
    let (referenced, defined) = (def.id.referenced, def.id.defined);
    let at = |value: String| Spanned::new(value, referenced, defined);
    def.id = at(format!("{}[{}]", case.id(), v.label));
    def.title = format!("{}: {}", def.title, v.title);
    def.generate = None;
    def.tags.push(v.family.to_string());
    let (first, any_of, refusals) = match v.expect {
        expect::Expected::Documented(o) => (o, Vec::new(), Vec::new()),
        expect::Expected::Silent { any_of, refusals } => {
            def.tags.push(CONTRACT_SILENT.to_string());
            (
                any_of.first().cloned().unwrap_or_default(),
                any_of,
                refusals,
            )
        }
    };
    def.expect = Spanned::new(
        Expect::Outcome(first),
        def.expect.referenced,
        def.expect.defined,
    );
    let mut generated = Generated {
        family: v.family.to_string(),
        any_of,
        refusals,
        ..Generated::default()
    };
    match v.change {
        Change::Value(value) => {
            let mut body = indexmap::IndexMap::new();
            if let Some(f) = field {
                body.insert(f.to_string(), value);
            }
            def.body = Some(Spanned::new(body, referenced, defined));
        }
        Change::ContentType(ct) => def.content_type = Some(ct.unwrap_or_else(|| "none".into())),
        Change::BodyText(text) => generated.body_text = Some(text),
        Change::PathSuffix { actor } => {
            generated.path_suffix = "/".into();
            if let Some(role) = actor {
                def.actor = Some(at(role));
                def.user = Some(at("other".into()));
            }
        }
    }
    def.generated = Some(generated);
    def
}
