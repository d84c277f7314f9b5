//! Voice and video calls started in a thread (seed 002): either participant starts one, the
//! other joins from the thread; start, connection, end and duration are kept in the thread.
//! A member who may not send messages may not call either.

use crate::conversations::thread_of_participant;
use crate::standing::ensure_allowed;
use crate::{App, AppError, AppResult};
use trustwork_core::conversation::{CallKind, CallState, Thread, call_state};
use trustwork_core::{Capability, Timestamp};
use trustwork_store::conversations::ThreadCall;
use trustwork_store::new_id;

/// A call as one participant sees it.
#[derive(Debug, Clone)]
pub struct CallInThread {
    pub call: ThreadCall,
    pub thread: Thread,
    /// The participant who started it: their page makes the offer.
    pub started_by_viewer: bool,
}

impl CallInThread {
    pub fn state(&self, now: Timestamp) -> CallState {
        call_state(
            self.call.started_at,
            self.call.connected_at,
            self.call.ended_at,
            now,
        )
    }
}

fn call_not_found(id: &str) -> AppError {
    AppError::NotFound {
        entity: "call",
        id: id.to_owned(),
    }
}

impl App {
    /// Starts a call in the thread, or answers the one already ringing or connected there.
    pub async fn start_thread_call(
        &self,
        account_id: &str,
        thread_id: &str,
        kind: CallKind,
    ) -> AppResult<ThreadCall> {
        let now = self.now();
        let mut tx = self.db().begin().await?;
        let (thread, _) = thread_of_participant(&mut tx, account_id, thread_id).await?;
        ensure_allowed(&mut tx, account_id, Capability::SendMessages, now).await?;
        for call in tx.calls_of_thread(&thread.id, 5).await? {
            let state = call_state(call.started_at, call.connected_at, call.ended_at, now);
            if matches!(state, CallState::Ringing | CallState::Connected) {
                return Ok(call);
            }
        }
        let call = ThreadCall {
            id: new_id("tcl"),
            thread_id: thread.id.clone(),
            kind,
            started_by: account_id.to_owned(),
            started_at: now,
            connected_at: None,
            ended_at: None,
            ended_by: None,
        };
        tx.insert_call(&call).await?;
        tx.commit().await?;
        Ok(call)
    }

    /// The call, if `account_id` takes part in its thread.
    pub async fn thread_call_for(
        &self,
        account_id: &str,
        call_id: &str,
    ) -> AppResult<CallInThread> {
        let mut tx = self.db().read().await?;
        let call = tx
            .find_call(call_id)
            .await?
            .ok_or_else(|| call_not_found(call_id))?;
        let (thread, _) = thread_of_participant(&mut tx, account_id, &call.thread_id)
            .await
            .map_err(|_| call_not_found(call_id))?;
        Ok(CallInThread {
            started_by_viewer: call.started_by == account_id,
            call,
            thread,
        })
    }

    /// Both browsers are connected: the call's duration counts from now (once).
    pub async fn thread_call_connected(&self, call_id: &str) -> AppResult<()> {
        let mut tx = self.db().begin().await?;
        tx.mark_call_connected(call_id, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Either side hangs up (once; later hang-ups change nothing).
    pub async fn end_thread_call(&self, account_id: &str, call_id: &str) -> AppResult<ThreadCall> {
        let found = self.thread_call_for(account_id, call_id).await?;
        let mut tx = self.db().begin().await?;
        tx.end_call(&found.call.id, account_id, self.now()).await?;
        let call = tx
            .find_call(call_id)
            .await?
            .ok_or_else(|| call_not_found(call_id))?;
        tx.commit().await?;
        Ok(call)
    }

    /// Whether the call is still going (ringing or connected).
    pub async fn thread_call_live(&self, call_id: &str) -> AppResult<bool> {
        let mut tx = self.db().read().await?;
        let call = tx
            .find_call(call_id)
            .await?
            .ok_or_else(|| call_not_found(call_id))?;
        Ok(matches!(
            call_state(
                call.started_at,
                call.connected_at,
                call.ended_at,
                self.now()
            ),
            CallState::Ringing | CallState::Connected
        ))
    }
}
