//! Reloading the example server's policy: on `SIGHUP`, and when the policy
//! file changes.
//!
//! The file's folder is watched rather than the file: editors save by
//! writing a new file and renaming it over the old one, and a Kubernetes
//! ConfigMap swaps a symlink, so the watched file itself may be replaced
//! without ever being written. Bursts of events are debounced into one
//! reload, and a policy that fails to compile leaves the old one serving.

use std::path::{Path, PathBuf};
use std::time::Duration;

use cors_engine::tower::CorsLayer;
use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;

use crate::support::Source;

/// How long the file must stay quiet before it is read: a writer that
/// saves in several steps is read once, after its last step.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Starts reloading `source` into `layer` on `SIGHUP` and file changes.
pub fn spawn(source: Source, layer: CorsLayer) {
    let (tx, mut rx) = mpsc::unbounded_channel::<&'static str>();
    let _watcher = source
        .path
        .as_deref()
        .and_then(|p| watch(Path::new(p), tx.clone()));
    let hup = tx.clone();
    tokio::spawn(async move {
        let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            eprintln!("reload: cannot listen for SIGHUP");
            return;
        };
        while signal.recv().await.is_some() {
            if hup.send("SIGHUP").is_err() {
                return;
            }
        }
    });
    tokio::spawn(async move {
        // The watcher lives as long as this task.
        let _watcher = _watcher;
        while let Some(mut why) = rx.recv().await {
            // Debounce: wait until events stop for `DEBOUNCE`.
            while let Ok(Some(next)) = tokio::time::timeout(DEBOUNCE, rx.recv()).await {
                if next == "SIGHUP" {
                    why = next;
                }
            }
            let source = source.clone();
            let loaded = tokio::task::spawn_blocking(move || source.load()).await;
            match loaded {
                Ok(Ok(loaded)) => {
                    if !loaded.warnings.is_empty() {
                        eprintln!("{}", loaded.warnings);
                    }
                    layer.swap(loaded.set);
                    eprintln!("reloaded ({why}): {}", loaded.summary);
                }
                Ok(Err(problems)) => {
                    eprintln!("reload ({why}) failed, keeping the old policy: {problems}");
                }
                Err(e) => eprintln!("reload ({why}) failed, keeping the old policy: {e}"),
            }
        }
    });
}

/// Watches the folder of `path` and reports every event about it.
fn watch(
    path: &Path,
    tx: mpsc::UnboundedSender<&'static str>,
) -> Option<notify::RecommendedWatcher> {
    let folder: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| !e.kind.is_access()) {
            let _ = tx.send("file change");
        }
    })
    .map_err(|e| eprintln!("reload: cannot watch {}: {e}", folder.display()))
    .ok()?;
    watcher
        .watch(&folder, RecursiveMode::NonRecursive)
        .map_err(|e| eprintln!("reload: cannot watch {}: {e}", folder.display()))
        .ok()?;
    Some(watcher)
}
