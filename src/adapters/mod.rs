//! Framework adapters. Each translates between one framework's request and
//! response types and the core; none holds CORS logic of its own.

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "h1")]
pub mod h1;
#[cfg(feature = "http")]
pub mod http;
#[cfg(any(feature = "poem", feature = "salvo", feature = "rocket"))]
mod live;
#[cfg(feature = "picoserve")]
pub mod picoserve;
#[cfg(feature = "poem")]
pub mod poem;
#[cfg(feature = "rocket")]
pub mod rocket;
#[cfg(feature = "salvo")]
pub mod salvo;
#[cfg(feature = "tower")]
pub mod tower;
#[cfg(any(feature = "http", feature = "actix", feature = "rocket"))]
mod vary;
