//! HiGHS's log, when asked for (`rareflow -v`), written to stderr.
//!
//! HiGHS writes its console log to stdout, which would mix it into the
//! tables and JSON a run prints there. So the console log stays off and
//! HiGHS hands each line to a logging callback instead, which writes it to
//! stderr.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::io::Write;

use highs_sys::{HighsCallbackDataIn, HighsCallbackDataOut, HighsInt};

use super::SolverError;

/// Turns HiGHS's log on for `model`, to stderr.
///
/// # Errors
/// [`SolverError`] when HiGHS refuses an option or the callback.
pub(super) fn to_stderr(model: &mut highs::Model) -> Result<(), SolverError> {
    let bad = |k: &str| SolverError(format!("HiGHS refused {k}"));
    model
        .try_set_option("output_flag", true)
        .map_err(|_| bad("option output_flag"))?;
    model
        .try_set_option("log_to_console", false)
        .map_err(|_| bad("option log_to_console"))?;
    let highs = model.as_mut_ptr();
    // SAFETY: `highs` is the live Highs instance owned by `model`, borrowed
    // mutably for the call. The callback is a plain function that keeps no
    // state, so the null user data it is given is never read, and it stays
    // valid for as long as the instance may call it (the whole program).
    let set =
        unsafe { highs_sys::Highs_setCallback(highs, Some(write_line), std::ptr::null_mut()) };
    // SAFETY: as above; logging is a callback type HiGHS knows.
    let started =
        unsafe { highs_sys::Highs_startCallback(highs, highs_sys::kHighsCallbackLogging) };
    if set == highs_sys::STATUS_ERROR || started == highs_sys::STATUS_ERROR {
        return Err(bad("the logging callback"));
    }
    Ok(())
}

/// HiGHS's callback: a logging message goes to stderr as it is (HiGHS ends
/// its lines itself); any other kind of call is ignored. Nothing here can
/// panic: a failure to write is dropped, there being nowhere to report it.
unsafe extern "C" fn write_line(
    kind: c_int,
    message: *const c_char,
    _out: *const HighsCallbackDataOut,
    _in: *mut HighsCallbackDataIn,
    _data: *mut c_void,
) {
    if HighsInt::from(kind) != highs_sys::kHighsCallbackLogging || message.is_null() {
        return;
    }
    // SAFETY: for a logging call HiGHS passes its message as a
    // NUL-terminated string that lives until the callback returns.
    let text = unsafe { CStr::from_ptr(message) };
    let _ = std::io::stderr().lock().write_all(text.to_bytes());
}
