//! Framework adapters. Each translates between one framework's request and
//! response types and the core; none holds CORS logic of its own.

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "h1")]
pub mod h1;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "tower")]
pub mod tower;
#[cfg(any(feature = "http", feature = "actix"))]
mod vary;
