//! JSON Schemas of a dialect, compiled once. `$ref`s between a dialect's schema files resolve by
//! file name inside the dialect's folders (its own first, then those it extends), so embedded
//! specs need no file system and no network.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

/// A schema file, kept as text for reports and compiled for checks.
pub struct CompiledSchema {
    pub file: String,
    pub document: Value,
    pub validator: jsonschema::Validator,
}

impl std::fmt::Debug for CompiledSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledSchema")
            .field("file", &self.file)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SchemaError(pub String);

/// Serves `$ref`s to sibling schema files by their last path segment.
struct SiblingRetriever(Arc<BTreeMap<String, Value>>);

impl jsonschema::Retrieve for SiblingRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = uri.path().as_str();
        let name = path.rsplit('/').next().unwrap_or(path);
        self.0
            .get(name)
            .cloned()
            .ok_or_else(|| Box::new(SchemaError(format!("no schema file named `{name}`"))) as _)
    }
}

/// Compiles `document` (draft 2020-12, formats checked) with `siblings` available to `$ref`.
pub fn compile_schema(
    file: &str,
    document: Value,
    siblings: Arc<BTreeMap<String, Value>>,
) -> Result<CompiledSchema, SchemaError> {
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .with_base_uri(format!("pwconform:///schemas/{file}"))
        .with_retriever(SiblingRetriever(siblings))
        .build(&document)
        .map_err(|e| SchemaError(format!("invalid JSON Schema: {e}")))?;
    Ok(CompiledSchema {
        file: file.to_string(),
        document,
        validator,
    })
}
