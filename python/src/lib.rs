//! `cors_engine._engine`: the Python face of the `cors-engine` crate.
//!
//! Every call into the crate is in `core_calls`: compiling a policy from
//! the JSON form of the policy file (so keys, defaults and error messages
//! are the crate's own) and deciding a request. This module only converts
//! between Python objects and bytes; it holds no CORS logic.
//!
//! Speed matters here more than anywhere else in the package: a request is
//! one call. Header tuples whose value comes from the policy (max-age, the
//! expose list, `Vary`, `true`) are built once and reused, and an echoed
//! value that is a whole request header is handed back as the very object
//! the caller passed in.

mod core_calls;

use std::sync::Mutex;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

use cors_engine::limits::MAX_REQUEST_HEADER_LINES;
use cors_engine::{HeaderName, SingleHeader};

use crate::core_calls::{Answer, Compiled, RequestParts};

pyo3::create_exception!(
    _engine,
    ConfigError,
    PyValueError,
    "The CORS configuration is invalid; `problems` lists every problem."
);

/// The most `Access-Control-Request-Headers` lines kept: one beyond the
/// crate's cap, so that a request over the cap is denied by the crate.
const LINES: usize = MAX_REQUEST_HEADER_LINES + 1;

/// Every header name a decision may hold, in one order.
const NAMES: [HeaderName; 8] = [
    HeaderName::AllowOrigin,
    HeaderName::AllowCredentials,
    HeaderName::AllowMethods,
    HeaderName::AllowHeaders,
    HeaderName::MaxAge,
    HeaderName::AllowPrivateNetwork,
    HeaderName::ExposeHeaders,
    HeaderName::Vary,
];

fn name_index(name: HeaderName) -> usize {
    NAMES.iter().position(|n| *n == name).unwrap_or(0)
}

/// A header value as bytes, from `bytes` or `str`. Anything else counts as
/// absent: a server handing odd types must not make a request raise.
fn bytes_of<'a>(object: &'a Bound<'_, PyAny>) -> Option<&'a [u8]> {
    if let Ok(b) = object.downcast::<PyBytes>() {
        return Some(b.as_bytes());
    }
    if let Ok(s) = object.downcast::<PyString>() {
        // A `str` with lone surrogates has no UTF-8 form; such a value
        // cannot be a valid header, and the empty value is denied as
        // malformed like any other.
        return Some(s.to_str().map(str::as_bytes).unwrap_or(b""));
    }
    None
}

/// A cached `(name, value)` tuple: the name's index in [`NAMES`], the
/// value's address and length, and the tuple.
type FixedTuple = (usize, usize, usize, Py<PyTuple>);

/// A compiled CORS policy (or routes of policies), ready to decide.
///
/// `Engine(policy_json, text, reasons=False)` compiles the JSON form of a
/// policy file; `text` chooses the type of the returned header names and
/// values: `str` with the usual capitalisation (WSGI, Django, Flask) or
/// lower-case `bytes` (ASGI); `reasons` makes `decide` return the log-safe
/// reason of each denial.
#[pyclass(frozen, module = "cors_engine._engine")]
struct Engine {
    compiled: Compiled,
    text: bool,
    /// Whether `decide` returns the reason of a denial (formatting it costs
    /// more than the rest of a denied decision; only loggers want it).
    reasons: bool,
    names: Vec<Py<PyAny>>,
    /// `(name, value)` tuples for values that live in the policy, keyed by
    /// the value's address and length (stable: the policy never moves).
    fixed: Mutex<Vec<FixedTuple>>,
    empty: Py<PyTuple>,
}

impl Engine {
    fn value_object<'py>(&self, py: Python<'py>, bytes: &[u8]) -> Bound<'py, PyAny> {
        if self.text {
            // Decided values are visible ASCII, so UTF-8 decoding is exact.
            PyString::new(py, &String::from_utf8_lossy(bytes)).into_any()
        } else {
            PyBytes::new(py, bytes).into_any()
        }
    }

    /// The `(name, value)` tuple of one decided header.
    fn header<'py>(
        &self,
        py: Python<'py>,
        name: HeaderName,
        value: &[u8],
        inputs: &[&Bound<'py, PyAny>],
        input_bytes: &[&[u8]],
    ) -> PyResult<Bound<'py, PyTuple>> {
        let index = name_index(name);
        let name_object = self.names[index].bind(py);
        // An echoed whole request value: hand back the caller's object.
        for (object, bytes) in inputs.iter().zip(input_bytes) {
            if bytes.as_ptr() == value.as_ptr() && bytes.len() == value.len() {
                let same_type = if self.text {
                    object.is_instance_of::<PyString>()
                } else {
                    object.is_instance_of::<PyBytes>()
                };
                if same_type {
                    return PyTuple::new(py, [name_object.clone(), (*object).clone()]);
                }
            }
        }
        let inside_request = input_bytes
            .iter()
            .any(|b| b.as_ptr_range().contains(&value.as_ptr()));
        if inside_request {
            return PyTuple::new(py, [name_object.clone(), self.value_object(py, value)]);
        }
        let key = (index, value.as_ptr() as usize, value.len());
        let mut fixed = self.fixed.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, _, _, t)) = fixed.iter().find(|(i, p, l, _)| (*i, *p, *l) == key) {
            return Ok(t.bind(py).clone());
        }
        let tuple = PyTuple::new(py, [name_object.clone(), self.value_object(py, value)])?;
        fixed.push((key.0, key.1, key.2, tuple.clone().unbind()));
        Ok(tuple)
    }

    /// `(status, headers, vary, denial)` of a decision, see `decide`.
    fn answer<'py>(
        &self,
        py: Python<'py>,
        decision: Option<Answer<'_>>,
        inputs: &[&Bound<'py, PyAny>],
        input_bytes: &[&[u8]],
    ) -> PyResult<Bound<'py, PyTuple>> {
        let none = py.None().into_bound(py);
        let Some(decision) = decision else {
            return PyTuple::new(
                py,
                [
                    none.clone(),
                    self.empty.bind(py).clone().into_any(),
                    none.clone(),
                    none,
                ],
            );
        };
        let runs_handler = decision.runs_handler;
        let mut headers: Vec<Bound<'py, PyTuple>> = Vec::with_capacity(8);
        let mut vary = none.clone();
        for &(name, value) in &decision.headers {
            if runs_handler && name == HeaderName::Vary {
                // Joined with the application's own `Vary` by the caller.
                vary = self.value_object_fixed(py, value)?;
                continue;
            }
            headers.push(self.header(py, name, value, inputs, input_bytes)?);
        }
        let headers = if headers.is_empty() {
            self.empty.bind(py).clone()
        } else {
            PyTuple::new(py, headers)?
        };
        let status = match decision.preflight_status {
            Some(status) if !runs_handler => status.into_pyobject(py)?.into_any(),
            _ => none.clone(),
        };
        let denial = match &decision.denial {
            Some(d) => PyString::new(py, d).into_any(),
            None => none,
        };
        PyTuple::new(py, [status, headers.into_any(), vary, denial])
    }

    /// The `Vary` value alone, cached like the fixed tuples.
    fn value_object_fixed<'py>(
        &self,
        py: Python<'py>,
        value: &[u8],
    ) -> PyResult<Bound<'py, PyAny>> {
        let tuple = self.header(py, HeaderName::Vary, value, &[], &[])?;
        tuple.get_item(1)
    }
}

#[pymethods]
impl Engine {
    #[new]
    #[pyo3(signature = (policy_json, text, reasons=false))]
    fn new(py: Python<'_>, policy_json: &str, text: bool, reasons: bool) -> PyResult<Self> {
        let compiled = core_calls::compile(policy_json).map_err(|problems| {
            let message = if problems.len() == 1 {
                format!("invalid CORS configuration: {}", problems[0])
            } else {
                let mut m = format!("invalid CORS configuration ({} problems):", problems.len());
                for p in &problems {
                    m.push_str("\n  - ");
                    m.push_str(p);
                }
                m
            };
            let error = ConfigError::new_err(message);
            if let Ok(list) = PyList::new(py, &problems) {
                let _ = error.value(py).setattr("problems", list);
            }
            error
        })?;
        let names = NAMES
            .iter()
            .map(|n| {
                if text {
                    PyString::new(py, n.as_str()).into_any().unbind()
                } else {
                    PyBytes::new(py, n.as_lowercase().as_bytes())
                        .into_any()
                        .unbind()
                }
            })
            .collect();
        Ok(Engine {
            compiled,
            text,
            reasons,
            names,
            fixed: Mutex::new(Vec::new()),
            empty: PyTuple::empty(py).unbind(),
        })
    }

    /// What compiling had to say that does not stop the policy.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.compiled.warnings.clone()
    }

    /// Whether deciding depends on the request path.
    #[getter]
    fn has_routes(&self) -> bool {
        self.compiled.has_routes()
    }

    /// Decides one request from header values already looked up (WSGI's
    /// environ, Django's `META`): each `bytes`, `str` or `None`;
    /// `request_headers` a sequence of lines (WSGI servers join repeated
    /// lines into one).
    ///
    /// Returns `(status, headers, vary, denial)`: `status` is the status to
    /// answer a preflight with (the handler must not run) or `None`;
    /// `headers` a tuple of `(name, value)` to add (on a preflight, `Vary`
    /// included); `vary` the names to join into the application's `Vary`
    /// (`None` on a preflight or when there is nothing to add); `denial` the
    /// log-safe reason of a denial when the engine was made with `reasons`,
    /// else `None`.
    ///
    /// `allow`, when given, is called with the origin (`str`) when the
    /// policy's own rules refuse it; a true result allows it (an exception
    /// or a false one does not). It costs a call back into Python, on
    /// requests from unlisted origins only.
    #[pyo3(signature = (method, origin, request_method=None, request_headers=None, request_private_network=None, path=None, allow=None))]
    #[allow(clippy::too_many_arguments)]
    fn decide<'py>(
        &self,
        py: Python<'py>,
        method: &Bound<'py, PyAny>,
        origin: Option<Bound<'py, PyAny>>,
        request_method: Option<Bound<'py, PyAny>>,
        request_headers: Option<Bound<'py, PyAny>>,
        request_private_network: Option<Bound<'py, PyAny>>,
        path: Option<Bound<'py, PyAny>>,
        allow: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let mut lines_objects: Vec<Bound<'py, PyAny>> = Vec::new();
        if let Some(lines) = &request_headers {
            if lines.is_instance_of::<PyBytes>() || lines.is_instance_of::<PyString>() {
                lines_objects.push(lines.clone());
            } else if let Ok(iter) = lines.try_iter() {
                for line in iter.take(LINES) {
                    lines_objects.push(line?);
                }
            }
        }
        let mut lines: [&[u8]; LINES] = [b""; LINES];
        let mut count = 0;
        for object in &lines_objects {
            if let Some(b) = bytes_of(object) {
                lines[count] = b;
                count += 1;
            }
        }
        let origin_bytes = origin.as_ref().and_then(bytes_of);
        let acrm_bytes = request_method.as_ref().and_then(bytes_of);
        let parts = RequestParts {
            method: bytes_of(method).unwrap_or(b""),
            origin: origin_bytes,
            request_method: acrm_bytes,
            request_headers: &lines[..count],
            request_private_network: request_private_network.as_ref().and_then(bytes_of),
            repeated: None,
            path: path.as_ref().and_then(bytes_of).unwrap_or(b""),
        };
        let predicate = allow.map(|callable| {
            move |origin: &[u8]| -> bool {
                Python::with_gil(|py| {
                    // Origins reaching the predicate are visible ASCII.
                    let text = String::from_utf8_lossy(origin);
                    callable
                        .bind(py)
                        .call1((text.as_ref(),))
                        .and_then(|r| r.is_truthy())
                        .unwrap_or_else(|error| {
                            // An exception in application code must not
                            // escape into the request: it refuses the origin
                            // and is reported like an unraisable error.
                            error.write_unraisable(py, Some(callable.bind(py)));
                            false
                        })
                })
            }
        });
        let decision = core_calls::decide(
            &self.compiled,
            &parts,
            self.reasons,
            predicate.as_ref().map(|p| p as &core_calls::Allow),
        );
        // Every request buffer, so that no value borrowed from the request
        // is ever taken for one of the policy's and cached.
        let mut inputs: Vec<&Bound<'py, PyAny>> = vec![method];
        let mut input_bytes: Vec<&[u8]> = vec![parts.method];
        if let (Some(o), Some(b)) = (&origin, origin_bytes) {
            inputs.push(o);
            input_bytes.push(b);
        }
        if let (Some(o), Some(b)) = (&request_method, acrm_bytes) {
            inputs.push(o);
            input_bytes.push(b);
        }
        for (object, bytes) in lines_objects.iter().zip(&lines[..count]) {
            inputs.push(object);
            input_bytes.push(bytes);
        }
        self.answer(py, decision, &inputs, &input_bytes)
    }

    /// Decides one request from an ASGI scope's `method`, `headers` (an
    /// iterable of `(name, value)` pairs, names in lower case) and `path`.
    /// Returns what [`decide`](Engine::decide) returns. Repeated `Origin`,
    /// `Access-Control-Request-Method` or `-Private-Network` lines are
    /// noted (the crate denies them); malformed entries are skipped.
    fn decide_scope<'py>(
        &self,
        py: Python<'py>,
        method: &Bound<'py, PyAny>,
        headers: &Bound<'py, PyAny>,
        path: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        // (slot, object): slot 0 origin, 1 ACRM, 2 ACRPN, 3 an ACRH line.
        let mut found: Vec<(u8, Bound<'py, PyAny>)> = Vec::new();
        let mut repeated: Option<SingleHeader> = None;
        let mut seen = [false; 3];
        let mut acrh_count = 0;
        if let Ok(iter) = headers.try_iter() {
            for pair in iter {
                let Ok(pair) = pair else { continue };
                // The value is fetched only for the few names CORS reads.
                let tuple = match pair.downcast::<PyTuple>() {
                    Ok(t) if t.len() == 2 => Some(t),
                    _ => None,
                };
                let name = match tuple {
                    Some(t) => t.get_item(0)?,
                    None => match pair.get_item(0) {
                        Ok(name) if pair.len().ok() == Some(2) => name,
                        _ => continue,
                    },
                };
                let Some(name_bytes) = bytes_of(&name) else {
                    continue;
                };
                let slot: u8 = if name_bytes.eq_ignore_ascii_case(b"origin") {
                    0
                } else if name_bytes.len() < 29
                    || !name_bytes[..15].eq_ignore_ascii_case(b"access-control-")
                {
                    continue;
                } else if name_bytes.eq_ignore_ascii_case(b"access-control-request-method") {
                    1
                } else if name_bytes.eq_ignore_ascii_case(b"access-control-request-private-network")
                {
                    2
                } else if name_bytes.eq_ignore_ascii_case(b"access-control-request-headers") {
                    3
                } else {
                    continue;
                };
                if slot < 3 {
                    if seen[slot as usize] {
                        if repeated.is_none() {
                            let lower = name_bytes.to_ascii_lowercase();
                            repeated = core_calls::single_header(&lower);
                        }
                        continue;
                    }
                    seen[slot as usize] = true;
                } else {
                    // Lines beyond one past the cap change nothing: the crate
                    // denies at the cap + 1.
                    if acrh_count >= LINES {
                        continue;
                    }
                    acrh_count += 1;
                }
                let value = match tuple {
                    Some(t) => t.get_item(1)?,
                    None => match pair.get_item(1) {
                        Ok(value) => value,
                        Err(_) => continue,
                    },
                };
                found.push((slot, value));
            }
        }
        let mut single: [Option<&[u8]>; 3] = [None; 3];
        let mut single_objects: [Option<&Bound<'py, PyAny>>; 3] = [None; 3];
        let mut lines: [&[u8]; LINES] = [b""; LINES];
        let mut line_objects: Vec<&Bound<'py, PyAny>> = Vec::with_capacity(acrh_count);
        let mut count = 0;
        for (slot, object) in &found {
            // A value of an unusable type is an empty, malformed value.
            let bytes = bytes_of(object).unwrap_or(b"");
            if *slot < 3 {
                single[*slot as usize] = Some(bytes);
                single_objects[*slot as usize] = Some(object);
            } else {
                lines[count] = bytes;
                line_objects.push(object);
                count += 1;
            }
        }
        let parts = RequestParts {
            method: bytes_of(method).unwrap_or(b""),
            origin: single[0],
            request_method: single[1],
            request_headers: &lines[..count],
            request_private_network: single[2],
            repeated,
            path: bytes_of(path).unwrap_or(b""),
        };
        let decision = core_calls::decide(&self.compiled, &parts, self.reasons, None);
        // Every request buffer, so that no value borrowed from the request
        // is ever taken for one of the policy's and cached.
        let mut inputs: Vec<&Bound<'py, PyAny>> = vec![method];
        let mut input_bytes: Vec<&[u8]> = vec![parts.method];
        for i in 0..3 {
            if let (Some(o), Some(b)) = (single_objects[i], single[i]) {
                inputs.push(o);
                input_bytes.push(b);
            }
        }
        for (object, bytes) in line_objects.iter().zip(&lines[..count]) {
            inputs.push(object);
            input_bytes.push(bytes);
        }
        self.answer(py, decision, &inputs, &input_bytes)
    }
}

#[pymodule]
fn _engine(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add("ConfigError", m.py().get_type::<ConfigError>())?;
    Ok(())
}
