// Shared page helpers: the API through the same-origin pass-through, strings, small forms.
"use strict";
const I18N = JSON.parse(document.getElementById("i18n").textContent);
const T = (key) => I18N[key] || key;
const WEB = "/web";  // /web/api/v1/... reaches /api/v1/... with the session cookie's token

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || ("HTTP " + status));
    this.status = status; this.body = body;
  }
}

async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { "X-Dukungan-Web": "1" } };
  if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
  const res = await fetch(WEB + path, init);
  if (res.status === 204) return null;
  const data = (res.headers.get("content-type") || "").includes("json") ? await res.json() : await res.text();
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

// A multipart upload with progress (fetch cannot report upload progress; XHR can).
function upload(path, formData, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", WEB + path);
    xhr.setRequestHeader("X-Dukungan-Web", "1");
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (_) { data = xhr.responseText; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data); else reject(new ApiError(xhr.status, data));
    };
    xhr.onerror = () => reject(new ApiError(0, null));
    xhr.send(formData);
  });
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function formJson(form) {
  const out = {};
  for (const [k, v] of new FormData(form).entries()) if (v !== "") out[k] = v;
  return out;
}

// <form data-api="/api/v1/..."> (or data-api-template with {field}) posts its fields as JSON.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  const template = form.dataset.api || form.dataset.apiTemplate;
  if (!template) return;
  event.preventDefault();
  const body = formJson(form);
  const path = template.replace(/\{(\w+)\}/g, (_, k) => { const v = body[k]; delete body[k]; return encodeURIComponent(v); });
  try {
    const res = await api("POST", path, body);
    form.dispatchEvent(new CustomEvent("api:done", { detail: res, bubbles: true }));
    if (form.dataset.then === "reload") location.reload();
  } catch (err) {
    alert(T("common.error") + ": " + err.message);
  }
});
