/* Passkeys (WebAuthn) on the registry's pages: sign in with one ([data-passkey-sign-in]) and add
   one ([data-passkey-add]). Progressive: the parts marked [data-passkey] stay hidden unless this
   browser can use passkeys, and signing in by email code works without any of this. The page
   gives the endpoints, the CSRF token and the texts (translated there) in data-* attributes. */
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !window.fetch || !navigator.credentials) {
    return;
  }

  // --- base64url, as the registry writes bytes in JSON -----------------------------------------
  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    return Uint8Array.from(binary, function (c) { return c.charCodeAt(0); }).buffer;
  }

  function toText(buffer) {
    var binary = "";
    new Uint8Array(buffer).forEach(function (b) { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (d) { return Object.assign({}, d, {id: toBytes(d.id)}); });
  }

  // --- Options in, credentials out -------------------------------------------------------------
  function creationOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      user: Object.assign({}, options.user, {id: toBytes(options.user.id)}),
      excludeCredentials: descriptors(options.excludeCredentials)
    });
  }

  function requestOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge), allowCredentials: descriptors(options.allowCredentials)
    });
  }

  function credentialJSON(credential, response) {
    return {
      id: credential.id, rawId: toText(credential.rawId), type: credential.type, response: response,
      authenticatorAttachment: credential.authenticatorAttachment,
      clientExtensionResults: credential.getClientExtensionResults()
    };
  }

  function created(credential) {
    var r = credential.response;
    return credentialJSON(credential, {
      clientDataJSON: toText(r.clientDataJSON), attestationObject: toText(r.attestationObject),
      transports: r.getTransports ? r.getTransports() : []
    });
  }

  function asserted(credential) {
    var r = credential.response;
    return credentialJSON(credential, {
      clientDataJSON: toText(r.clientDataJSON), authenticatorData: toText(r.authenticatorData),
      signature: toText(r.signature), userHandle: r.userHandle ? toText(r.userHandle) : null
    });
  }

  // --- Talking to the registry -----------------------------------------------------------------
  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body || {}),
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf}
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) {
          throw new Error(answer.detail || answer.title || String(response.status));
        }
        return answer;
      });
    });
  }

  // --- What the person sees and hears ----------------------------------------------------------
  function say(box, text, failed) {
    box.querySelector("[data-status]").textContent = failed ? "" : text;
    box.querySelector("[data-alert]").textContent = failed ? text : "";
  }

  function failure(box, error) {
    var cancelled = error && (error.name === "NotAllowedError" || error.name === "AbortError");
    return cancelled ? box.dataset.cancelled : box.dataset.failed;
  }

  /* One ceremony: options from the registry, the browser's prompt, the answer back; then on to
     where the registry says. `extra()` adds to the answer (the passkey's name, where to go). */
  function ceremony(box, button, ask, toJSON, extra) {
    button.disabled = true;
    say(box, box.dataset.working, false);
    return post(box.dataset.options, box.dataset.csrf)
      .then(function (options) { return ask(options); })
      .then(function (credential) {
        return post(box.dataset.verify, box.dataset.csrf, Object.assign({credential: toJSON(credential)}, extra()));
      })
      .then(function (done) { window.location.assign(done.location); })
      .catch(function (error) {
        say(box, failure(box, error), true);
        button.disabled = false;
        button.focus();
      });
  }

  function signIn(box) {
    var button = box.querySelector("button");
    button.addEventListener("click", function () {
      ceremony(box, button, function (options) {
        return navigator.credentials.get({publicKey: requestOptions(options)});
      }, asserted, function () { return {continue: box.dataset.continue}; });
    });
  }

  function add(form) {
    var name = form.querySelector("input[name='passkey-name']");
    var button = form.querySelector("button[type='submit']");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!name.value.trim()) {
        name.setAttribute("aria-invalid", "true");
        say(form, form.dataset.nameMissing, true);
        name.focus();
        return;
      }
      name.removeAttribute("aria-invalid");
      ceremony(form, button, function (options) {
        return navigator.credentials.create({publicKey: creationOptions(options)});
      }, created, function () { return {name: name.value}; });
    });
  }

  document.querySelectorAll("[data-passkey]").forEach(function (part) { part.hidden = false; });
  document.querySelectorAll("[data-passkey-unsupported]").forEach(function (part) { part.hidden = true; });
  document.querySelectorAll("[data-passkey-sign-in]").forEach(signIn);
  document.querySelectorAll("[data-passkey-add]").forEach(add);
  var notice = document.querySelector("[data-focus]");
  if (notice) {
    notice.focus();
  }
}());
