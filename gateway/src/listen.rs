//! Learning the port before Pingora binds it.
//!
//! Pingora binds its listeners itself, inside `run`, and does not report
//! the address it bound; with port 0 the gateway could not say where it
//! listens. So the gateway binds first: a socket with `SO_REUSEPORT` on the
//! requested address, bound but never listening, learns the port the
//! kernel picked and holds it; Pingora then binds the same port, also with
//! `SO_REUSEPORT`. A socket that does not listen receives no connections,
//! and while it is bound no other program without `SO_REUSEPORT` (of
//! another user, none at all) can take the port: no window for a race, as
//! there would be in "bind port 0, read the port, close, let Pingora bind".

use std::net::SocketAddr;

use socket2::{Domain, Protocol, Socket, Type};

/// Binds the placeholder socket and returns it with the real address.
pub fn reserve(addr: SocketAddr) -> std::io::Result<(Socket, SocketAddr)> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    socket.bind(&addr.into())?;
    let bound = socket
        .local_addr()?
        .as_socket()
        .ok_or_else(|| std::io::Error::other("bound address is not an IP address"))?;
    Ok((socket, bound))
}
