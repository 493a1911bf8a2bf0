//! The configuration file (feature `serde`): the keys of a policy file, read
//! with any serde format (TOML, JSON, YAML…).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::{Config, ConfigErrors, Policy};

/// A policy as written in a configuration file.
///
/// Read it with the serde format of your choice, then
/// [`compile`](PolicyFile::compile) it:
///
/// ```
/// use cors_engine::PolicyFile;
///
/// let text = r#"
/// allowed_origins = ["https://app.example.com", "https://*.example.org"]
/// allowed_methods = ["GET", "POST", "PUT"]
/// allowed_headers = ["authorization", "content-type"]
/// exposed_headers = ["x-total-count"]
/// allow_credentials = true
/// max_age = 600
/// "#;
/// let file: PolicyFile = toml::from_str(text).unwrap();
/// let policy = file.compile().unwrap_or_else(|errors| panic!("{errors}"));
/// # let _ = policy;
/// ```
///
/// The keys, all optional (an absent list is empty, an absent flag off):
///
/// | key | type | meaning |
/// |---|---|---|
/// | `allowed_origins` | list of strings | exact origins, patterns, or `["*"]` |
/// | `allowed_origin_regexes` | list of strings | regexes matched against the whole origin |
/// | `allowed_methods` | list of strings | methods a preflight may ask for, or `["*"]` |
/// | `allowed_headers` | list of strings | request headers a preflight may ask for, or `["*"]` |
/// | `exposed_headers` | list of strings | response headers scripts may read, or `["*"]` |
/// | `allow_credentials` | boolean | cookies and HTTP authentication |
/// | `max_age` | integer | seconds a preflight may be cached (absent: no header) |
/// | `allow_private_network` | boolean | answer private network access requests |
/// | `preflight_success_status` | integer | 204 (default) or 200 |
///
/// Values mean what they mean in [`Config`]. Reading fails on a key that is
/// not in this table — naming every such key, with the likely intended one
/// — since a misspelt key would otherwise silently leave a policy narrower
/// or wider than meant; a key given twice fails too. Compiling then reports
/// every problem with the values at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyFile {
    /// `allowed_origins`.
    pub allowed_origins: Vec<String>,
    /// `allowed_origin_regexes`.
    pub allowed_origin_regexes: Vec<String>,
    /// `allowed_methods`.
    pub allowed_methods: Vec<String>,
    /// `allowed_headers`.
    pub allowed_headers: Vec<String>,
    /// `exposed_headers`.
    pub exposed_headers: Vec<String>,
    /// `allow_credentials`.
    pub allow_credentials: bool,
    /// `max_age`.
    pub max_age: Option<u64>,
    /// `allow_private_network`.
    pub allow_private_network: bool,
    /// `preflight_success_status`.
    pub preflight_success_status: Option<u16>,
}

impl PolicyFile {
    /// Validates the values and compiles them, or returns every problem
    /// (each naming its key, the value and the fix).
    pub fn compile(&self) -> Result<Policy, ConfigErrors<'_>> {
        fn strs(list: &[String]) -> Vec<&str> {
            list.iter().map(String::as_str).collect()
        }
        let origins = strs(&self.allowed_origins);
        let regexes = strs(&self.allowed_origin_regexes);
        let methods = strs(&self.allowed_methods);
        let headers = strs(&self.allowed_headers);
        let exposed = strs(&self.exposed_headers);
        let mut config = Config::new()
            .allowed_origins(&origins)
            .allowed_origin_regexes(&regexes)
            .allowed_methods(&methods)
            .allowed_headers(&headers)
            .exposed_headers(&exposed)
            .allow_credentials(self.allow_credentials)
            .allow_private_network(self.allow_private_network);
        if let Some(age) = self.max_age {
            config = config.max_age(age);
        }
        if let Some(status) = self.preflight_success_status {
            config = config.preflight_success_status(status);
        }
        Policy::compile(&config)
    }
}

/// The keys, in the order of the documentation.
const KEYS: [&str; 9] = [
    "allowed_origins",
    "allowed_origin_regexes",
    "allowed_methods",
    "allowed_headers",
    "exposed_headers",
    "allow_credentials",
    "max_age",
    "allow_private_network",
    "preflight_success_status",
];

impl<'de> Deserialize<'de> for PolicyFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FileVisitor)
    }
}

struct FileVisitor;

impl<'de> Visitor<'de> for FileVisitor {
    type Value = PolicyFile;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a CORS policy (a table of keys such as allowed_origins)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PolicyFile, A::Error> {
        let mut file = PolicyFile::default();
        let mut seen = [false; KEYS.len()];
        let mut unknown: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let Some(index) = KEYS.iter().position(|k| *k == key) else {
                map.next_value::<IgnoredAny>()?;
                unknown.push(key);
                continue;
            };
            if core::mem::replace(&mut seen[index], true) {
                return Err(de::Error::custom(format!("key `{key}` is given twice")));
            }
            match index {
                0 => file.allowed_origins = map.next_value()?,
                1 => file.allowed_origin_regexes = map.next_value()?,
                2 => file.allowed_methods = map.next_value()?,
                3 => file.allowed_headers = map.next_value()?,
                4 => file.exposed_headers = map.next_value()?,
                5 => file.allow_credentials = map.next_value()?,
                6 => file.max_age = Some(map.next_value()?),
                7 => file.allow_private_network = map.next_value()?,
                _ => file.preflight_success_status = Some(map.next_value()?),
            }
        }
        if unknown.is_empty() {
            Ok(file)
        } else {
            Err(de::Error::custom(unknown_keys(&unknown)))
        }
    }
}

/// "unknown keys `allowed_origin` (did you mean `allowed_origins`?), `x`;
/// the keys are: …"
fn unknown_keys(unknown: &[String]) -> String {
    let mut message = String::from(if unknown.len() == 1 {
        "unknown key "
    } else {
        "unknown keys "
    });
    for (i, key) in unknown.iter().enumerate() {
        if i > 0 {
            message.push_str(", ");
        }
        message.push_str(&format!("`{}`", key.escape_debug()));
        if let Some(meant) = likely_key(key) {
            message.push_str(&format!(" (did you mean `{meant}`?)"));
        }
    }
    message.push_str("; the keys are: ");
    message.push_str(&KEYS.join(", "));
    message
}

/// The key `typed` was probably meant to be: the same up to case and `-`,
/// or within two edits.
fn likely_key(typed: &str) -> Option<&'static str> {
    let normal = typed.to_ascii_lowercase().replace('-', "_");
    KEYS.iter()
        .map(|k| (edit_distance(&normal, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance over bytes, bounded: keys are short and a typed key
/// longer than 64 bytes is never a near miss.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_suggested() {
        assert_eq!(likely_key("allowed_origin"), Some("allowed_origins"));
        assert_eq!(likely_key("max-age"), Some("max_age"));
        assert_eq!(likely_key("Allow_Credentials"), Some("allow_credentials"));
        assert_eq!(likely_key("origins"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance(&"x".repeat(1000), "max_age"), usize::MAX);
    }
}
