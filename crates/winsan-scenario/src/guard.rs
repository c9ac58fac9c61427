//! Running model code so that a panic (a model bug, or a `todo!()`) becomes an error value
//! for one scenario instead of a crash of the whole run.
//!
//! A process-wide panic hook is installed once. While [`guarded`] runs on a thread, the hook
//! records the panic's message and location for that thread and prints nothing; on every
//! other occasion it defers to the hook that was there before, so test harnesses and the
//! rest of the program keep their usual panic output.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

fn payload_message(payload: &dyn Any) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}

fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if ACTIVE.with(Cell::get) {
                let mut msg = payload_message(info.payload());
                if let Some(loc) = info.location() {
                    msg.push_str(&format!(" (at {}:{})", loc.file(), loc.line()));
                }
                LAST.with(|l| *l.borrow_mut() = Some(msg));
            } else {
                previous(info);
            }
        }));
    });
}

/// Run `f`; a panic inside becomes `Err(message with its source location)`.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    let was = ACTIVE.with(|a| a.replace(true));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    ACTIVE.with(|a| a.set(was));
    r.map_err(|payload| {
        LAST.with(|l| l.borrow_mut().take())
            .unwrap_or_else(|| payload_message(payload.as_ref()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_becomes_error() {
        let r: Result<(), String> = guarded(|| panic!("boom {}", 7));
        let msg = r.unwrap_err();
        assert!(msg.starts_with("boom 7 (at "), "{msg}");
        assert_eq!(guarded(|| 3), Ok(3));
    }
}
