//! Fills a request template with run-time values: passwords, ids, the credential header.

use serde_json::Value;

use super::client::Http;
use super::session::auth_header;
use crate::plan::{AuthMode, BodyPlan, RequestTemplate};
use crate::result::RequestRecord;
use crate::spec::LoadedDialect;
use crate::template::{render_str, render_value};

pub fn render_request(
    http: &Http,
    dialect: &LoadedDialect,
    template: &RequestTemplate,
    vars: &dyn Fn(&str) -> Option<Value>,
    token: &str,
    auth: AuthMode,
) -> Result<RequestRecord, String> {
    let path = render_str(&template.path, vars)?;
    let query = template
        .query
        .iter()
        .map(|(k, v)| Ok((k.clone(), render_str(v, vars)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let mut headers = Vec::new();
    if let Some(ct) = &template.content_type {
        headers.push(("Content-Type".to_string(), ct.clone()));
    }
    if let Some(h) = auth_header(dialect, token, auth)? {
        headers.push(h);
    }
    let body = match &template.body {
        BodyPlan::Json(v) => render_value(v, vars)?.to_string(),
        BodyPlan::Raw(raw) => raw.clone(),
        BodyPlan::Text(text) => render_str(text, vars)?,
    };
    Ok(RequestRecord {
        method: template.method.clone(),
        url: http.url(&path, &query),
        headers,
        body: Some(body),
    })
}
