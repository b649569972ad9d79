//! The base URL of a target, checked before anything is sent.

/// Reads an accounts file; `${VAR}` is expanded from the environment, an unset variable is an error.
/// Checks a target's base URL before anything is sent: `http` or `https`, a host, no
/// credentials, and no query or fragment (the dialect's paths are appended to it). A path prefix
/// such as `https://host/api` is fine. Messages never repeat a password written in the URL.
pub fn check_base_url(url: &str) -> Result<(), String> {
    let example =
        "expected a base URL such as http://localhost:8080 or https://staging.example.org";
    let shown = without_userinfo(url);
    let parsed =
        reqwest::Url::parse(url).map_err(|e| format!("`{shown}` is not a URL ({e}); {example}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "`{shown}`: the scheme `{}` is not http or https; {example}",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{shown}` has no host; {example}"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // They would be sent with every request and written into every report's URLs.
        return Err(format!(
            "`{shown}` carries credentials; give the base URL without them, and send them with \
             -H 'Authorization: Basic ...' (header values are redacted)"
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!(
            "`{shown}` has a query or fragment; the dialect's paths are appended to the base URL, \
             so give the base only"
        ));
    }
    Ok(())
}

/// `url` with anything between `://` and an `@` replaced by `***`, for messages.
fn without_userinfo(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            match rest.get(..authority_end).and_then(|a| a.rsplit_once('@')) {
                Some((_, host)) => {
                    let tail = rest.get(authority_end..).unwrap_or_default();
                    format!("{scheme}://***@{host}{tail}")
                }
                None => url.to_owned(),
            }
        }
        None => url.to_owned(),
    }
}
