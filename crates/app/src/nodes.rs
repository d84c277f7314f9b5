//! The other server nodes on one PostgreSQL: what this node tells them and hears from them.
//! A policy put in force anywhere is in force everywhere (stored, announced on
//! [`POLICY_CHANNEL`]); work queued anywhere (mail, webhook deliveries, timers) wakes every node's
//! workers (announced on [`WORK_CHANNEL`]) instead of waiting for their next poll. On SQLite one
//! process serves the database and nothing is announced.

use crate::App;
use crate::events::POLICY_CHANNEL;
use std::time::Duration;
use tokio::sync::watch;

/// The PostgreSQL channel new work is announced on.
const WORK_CHANNEL: &str = "trustwork_work";
/// How often a node reads the stored policy without being told (a notification lost while its
/// listening connection was down).
const POLICY_POLL: Duration = Duration::from_secs(5);
/// Announcements of work are sent at most this often: one wakes every worker, and a busy node
/// queues work with every commit.
const ANNOUNCE_EVERY: Duration = Duration::from_millis(50);

impl App {
    /// Links this node to the others until `shutdown`: hears policy changes and new work, and
    /// announces its own work. Runs beside the workers.
    pub async fn link_nodes(&self, mut shutdown: watch::Receiver<bool>) {
        let mut listener = match self.db().listener(&[POLICY_CHANNEL, WORK_CHANNEL]).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen to the other nodes; polling only");
                None
            }
        };
        let announcing = listener.is_some();
        // A deadline, not a fresh sleep each turn: a stream of work notifications (every 50 ms
        // under load) must not postpone the poll for ever.
        let mut next_poll = tokio::time::Instant::now() + POLICY_POLL;
        loop {
            let heard = async {
                match listener.as_mut() {
                    Some(l) => l.recv().await,
                    None => std::future::pending().await,
                }
            };
            let to_announce = async {
                if announcing {
                    self.inner_announce().notified().await;
                } else {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                _ = shutdown.changed() => return,
                result = heard => match result {
                    Ok(Some(channel)) if channel == WORK_CHANNEL => {
                        self.wake_local_workers();
                        continue;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "lost the other nodes; polling only");
                        listener = None;
                    }
                },
                () = to_announce => {
                    if let Err(e) = self.db().notify(WORK_CHANNEL).await {
                        tracing::warn!(error = %e, "cannot tell the other nodes of new work");
                    }
                    tokio::time::sleep(ANNOUNCE_EVERY).await;
                    continue;
                }
                () = tokio::time::sleep_until(next_poll) => {}
            }
            next_poll = tokio::time::Instant::now() + POLICY_POLL;
            if let Err(e) = self.refresh_policy().await {
                tracing::warn!(error = %e.detail(), "cannot read the stored policy");
            }
        }
    }
}
