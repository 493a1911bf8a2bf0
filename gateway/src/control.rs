//! The gateway's control loop, run as a Pingora background service:
//! announcing readiness, reloading the policy, and ending a graceful
//! shutdown as soon as no request is left.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use pingora::server::ShutdownWatch;
use pingora::services::background::BackgroundService;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

use crate::policy::Live;

/// How long file events are gathered before one reload: editors write a
/// file in several steps (truncate, write, rename), and reloading between
/// them would compile half a file.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// How long the listener may take to come up before the gateway gives up.
const STARTUP_LIMIT: Duration = Duration::from_secs(20);

/// See the module documentation.
pub struct Control {
    /// The policy in force.
    pub live: Arc<Live>,
    /// The address the proxy listens on (the real port, never 0).
    pub listen: SocketAddr,
    /// The socket that held the port until the proxy bound it (see
    /// `listen::reserve`); dropped once the proxy accepts connections.
    pub placeholder: Mutex<Option<socket2::Socket>>,
    /// Bound on a graceful shutdown.
    pub grace: Duration,
    /// Requests being served.
    pub in_flight: Arc<AtomicUsize>,
}

#[async_trait]
impl BackgroundService for Control {
    async fn start(&self, mut shutdown: ShutdownWatch) {
        // Both reload triggers are armed before readiness is announced, so
        // a SIGHUP sent right after `listening on` is never lost (nor kills
        // the process, SIGHUP's default).
        let mut hangup = match signal(SignalKind::hangup()) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("cannot handle SIGHUP ({e}); reload by editing the policy file");
                None
            }
        };
        let (changed_tx, mut changed) = mpsc::unbounded_channel();
        let _watcher = self
            .live
            .path()
            .and_then(|path| watch_file(path, changed_tx));

        if !wait_listening(self.listen).await {
            eprintln!(
                "the proxy did not start listening on {} within {}s",
                self.listen,
                STARTUP_LIMIT.as_secs()
            );
            std::process::exit(1);
        }
        // The proxy's own socket holds the port now.
        drop(self.placeholder.lock().ok().and_then(|mut p| p.take()));
        announce(self.listen);

        loop {
            tokio::select! {
                Some(()) = async {
                    match hangup.as_mut() {
                        Some(s) => s.recv().await,
                        None => std::future::pending().await,
                    }
                } => self.reload("SIGHUP"),
                Some(()) = changed.recv() => {
                    tokio::time::sleep(DEBOUNCE).await;
                    while changed.try_recv().is_ok() {}
                    self.reload("file change");
                }
                _ = shutdown.changed() => {
                    if *shutdown.borrow() {
                        self.finish_shutdown().await;
                    }
                }
            }
        }
    }
}

impl Control {
    fn reload(&self, trigger: &str) {
        match self.live.reload() {
            Ok((warnings, summary)) => {
                for warning in warnings {
                    eprintln!("{warning}");
                }
                eprintln!("policy reloaded ({trigger}): {summary}");
            }
            Err(problems) => eprintln!(
                "policy reload ({trigger}) failed; the policy in force is kept:\n{problems}"
            ),
        }
    }

    /// Pingora has stopped accepting; exit as soon as the requests in
    /// flight are answered, or when the grace period ends. Pingora's own
    /// graceful shutdown always sleeps its whole grace period, however idle.
    async fn finish_shutdown(&self) {
        let started = Instant::now();
        let mut left = self.in_flight.load(Ordering::SeqCst);
        while left > 0 && started.elapsed() < self.grace {
            tokio::time::sleep(Duration::from_millis(20)).await;
            left = self.in_flight.load(Ordering::SeqCst);
        }
        if left > 0 {
            eprintln!(
                "shutdown: grace period of {:.1}s over, {left} request(s) still in flight are dropped",
                self.grace.as_secs_f64()
            );
        } else {
            eprintln!("shutdown: no request in flight, exiting");
        }
        let _ = std::io::stdout().flush();
        std::process::exit(0);
    }
}

/// Prints the one readiness line on stdout, flushed (a test or a
/// supervisor may be waiting for it on a pipe).
fn announce(listen: SocketAddr) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on http://{listen}");
    let _ = out.flush();
}

/// Whether the proxy accepts connections at `addr` before the startup
/// limit. Connecting is the only readiness signal Pingora gives for a
/// listener; the probe connection closes without a request.
async fn wait_listening(addr: SocketAddr) -> bool {
    let started = Instant::now();
    while started.elapsed() < STARTUP_LIMIT {
        let probe = tokio::task::spawn_blocking(move || {
            TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
        });
        if probe.await.unwrap_or(false) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

/// Watches the policy file's directory (an editor or a Kubernetes
/// ConfigMap update replaces the file, which a watch on the file itself
/// would lose) and sends a unit for each event about the file.
fn watch_file(
    path: &Path,
    changed: mpsc::UnboundedSender<()>,
) -> Option<notify::RecommendedWatcher> {
    use notify::{RecursiveMode, Watcher};
    let name = path.file_name()?.to_owned();
    let dir: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    // ConfigMaps swap a `..data` symlink and leave the file name alone:
    // any event in the directory touching `..data` counts too.
    let handler = move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            let ours = event.paths.iter().any(|p| {
                p.file_name()
                    .is_some_and(|n| n == name.as_os_str() || n == "..data")
            });
            if ours && !matches!(event.kind, notify::EventKind::Access(_)) {
                let _ = changed.send(());
            }
        }
    };
    let mut watcher = match notify::recommended_watcher(handler) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("cannot watch {} ({e}); reload with SIGHUP", dir.display());
            return None;
        }
    };
    if let Err(e) = watcher.watch(&dir, RecursiveMode::NonRecursive) {
        eprintln!("cannot watch {} ({e}); reload with SIGHUP", dir.display());
        return None;
    }
    Some(watcher)
}
