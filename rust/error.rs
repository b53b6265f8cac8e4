//! Error type of the core. The binding layer maps each variant to exactly one Python exception class.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    /// A file or folder that does not exist (maps to `FileNotFoundError`).
    #[error("{path}: no such file or directory")]
    NotFound { path: String },

    /// Any other I/O failure while reading a file (maps to `OSError`).
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },

    /// A file that exists but cannot be understood: bad JSON, wrong field types, malformed merges...
    /// `file` names the file (or "<string>"), `field` the JSON path or line.
    #[error("{file}: {field}: {message}")]
    Config {
        file: String,
        field: String,
        message: String,
    },

    /// A component `type` this engine does not implement.
    #[error("{file}: {field}: unsupported {kind} type `{name}`")]
    Unsupported {
        file: String,
        field: String,
        kind: &'static str,
        name: String,
    },

    /// A bad argument given by the caller (strategy strings, stride >= max_length...).
    #[error("{argument}: {message}")]
    Argument { argument: String, message: String },

    /// A decode of an id that is not in the vocabulary.
    #[error("id {0} is out of the vocabulary")]
    UnknownId(u64),

    /// A regex that does not compile.
    #[error("invalid regex `{pattern}`: {message}")]
    Regex { pattern: String, message: String },

    /// A long operation (training) stopped because its caller asked (Ctrl-C).
    #[error("cancelled")]
    Cancelled,

    /// A component written in the host language (a Python callback) failed; `payload` carries the
    /// host's own error, which the binding raises again unchanged.
    #[error("custom {stage}: {message}")]
    Host {
        stage: &'static str,
        message: String,
        payload: HostPayload,
    },

    /// A failure inside the engine that is a bug, never the input's fault.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// The host's error inside `Error::Host`, opaque to the core.
pub struct HostPayload(pub Box<dyn std::any::Any + Send + Sync>);

impl std::fmt::Debug for HostPayload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostPayload")
    }
}

impl Error {
    pub fn config(
        file: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Config {
            file: file.into(),
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn argument(argument: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Argument {
            argument: argument.into(),
            message: message.into(),
        }
    }

    pub fn regex(pattern: &str, err: impl std::fmt::Display) -> Self {
        Error::Regex {
            pattern: pattern.to_string(),
            message: err.to_string(),
        }
    }

    /// Prefix the file name of a `Config`/`Unsupported` error raised while parsing a nested component.
    pub fn in_file(self, path: &str) -> Self {
        match self {
            Error::Config { field, message, .. } => Error::Config {
                file: path.to_string(),
                field,
                message,
            },
            Error::Unsupported {
                field, kind, name, ..
            } => Error::Unsupported {
                file: path.to_string(),
                field,
                kind,
                name,
            },
            Error::Regex { pattern, message } => Error::Config {
                file: path.to_string(),
                field: "regex".into(),
                message: format!("invalid regex `{pattern}`: {message}"),
            },
            other => other,
        }
    }
}
