//! The `h1` adapter (in progress).
