//! Which steps a run or a plan keeps: `--filter`, `--exclude`, `--tag` and `--theme`, one rule
//! shared by `run` and `plan` so both always agree on what would be sent.

/// An empty selection keeps every step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Keep a step whose id contains any of these texts (all when empty).
    pub filters: Vec<String>,
    /// Drop a step whose id contains any of these texts, whatever else matches.
    pub excludes: Vec<String>,
    /// Keep a step that carries any of these tags (all when empty).
    pub tags: Vec<String>,
    /// Keep a step of any of these themes: a theme's title (`Authentication`, any case) or its
    /// case file's name without `.yaml` (`auth`) (all when empty).
    pub themes: Vec<String>,
}

impl Selection {
    /// Whether a step with this id, theme and tags is kept. Each kind of criterion narrows the
    /// selection; texts of one kind are alternatives.
    pub fn keeps(&self, id: &str, theme: &str, file: &str, tags: &[String]) -> bool {
        let stem = std::path::Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let any_or_none = |list: &[String], hit: &dyn Fn(&str) -> bool| {
            list.is_empty() || list.iter().any(|x| hit(x))
        };
        any_or_none(&self.filters, &|f| id.contains(f))
            && !self.excludes.iter().any(|x| id.contains(x.as_str()))
            && any_or_none(&self.tags, &|t| tags.iter().any(|x| x == t))
            && any_or_none(&self.themes, &|t| {
                theme.eq_ignore_ascii_case(t) || stem == t
            })
    }

    pub fn keeps_step(&self, step: &super::Step) -> bool {
        self.keeps(&step.id, &step.theme, &step.file, &step.tags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn sel(filters: &[&str], excludes: &[&str], tags: &[&str], themes: &[&str]) -> Selection {
        let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        Selection {
            filters: own(filters),
            excludes: own(excludes),
            tags: own(tags),
            themes: own(themes),
        }
    }

    #[rstest]
    #[case(sel(&[], &[], &[], &[]), "malformed-user-id-empty-body", true)]
    #[case(sel(&["empty-"], &[], &[], &[]), "malformed-user-id-empty-body", true)]
    #[case(sel(&["empty-"], &["malformed-"], &[], &[]), "malformed-user-id-empty-body", false)]
    #[case(sel(&["empty-"], &["malformed-"], &[], &[]), "empty-new-password", true)]
    #[case(sel(&[], &["new"], &[], &[]), "empty-new-password", false)]
    #[case(sel(&[], &[], &["auth"], &[]), "no-token", true)]
    #[case(sel(&[], &[], &["body"], &[]), "no-token", false)]
    #[case(sel(&[], &[], &[], &["auth"]), "no-token", true)]
    #[case(sel(&[], &[], &[], &["authentication"]), "no-token", true)]
    #[case(sel(&[], &[], &[], &["malformed"]), "no-token", false)]
    #[case(sel(&["no-"], &[], &["x", "auth"], &["auth"]), "no-token", true)]
    fn selection(#[case] s: Selection, #[case] id: &str, #[case] kept: bool) {
        let (theme, file) = if id == "no-token" {
            ("Authentication", "cases/auth.yaml")
        } else {
            ("Malformed bodies", "cases/malformed.yaml")
        };
        let tags = vec!["auth".to_string(), "token".to_string()];
        assert_eq!(s.keeps(id, theme, file, &tags), kept);
    }
}
