/* The chat page's script: vanilla JS, no build step, no framework.
 * All server text is put in the page with textContent (never innerHTML).
 * Works under a strict Content-Security-Policy: no inline scripts, styles or handlers. */
(() => {
  "use strict";

  const DATA = JSON.parse(document.getElementById("ui-data").textContent);
  const LANGS = {};
  DATA.languages.forEach((l) => { LANGS[l.code] = l; });
  const STORE = "nra-chat";
  const POLL_MS = 3000;
  const $ = (id) => document.getElementById(id);
  const ui = {
    picker: $("picker"), chat: $("chat"), log: $("log"), footer: $("footer"), toolbar: $("toolbar"),
    composer: $("composer"), input: $("input"), send: $("send"), error: $("error"), typing: $("typing"),
    handoffBar: $("handoff-bar"), human: $("human-button"), menu: $("menu"), confirm: $("confirm"),
    langName: $("lang-name"), notice: $("notice"), chatTitle: $("chat-title"),
  };
  const state = { lang: DATA.default_lang, id: null, lastSeq: 0, conv: "bot", busy: false, poll: 0, labels: {}, feedback: {} };

  /* ---------- storage (the conversation id, the language, button titles, feedback given) ---------- */
  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "{}") || {}; } catch (e) { return {}; }
  }
  function save() {
    try {
      localStorage.setItem(STORE, JSON.stringify({ id: state.id, lang: state.lang, labels: state.labels, feedback: state.feedback }));
    } catch (e) { /* private mode: the chat still works, it just does not resume */ }
  }
  function forget() {
    try { localStorage.removeItem(STORE); } catch (e) { /* nothing stored */ }
  }

  /* ---------- texts and language ---------- */
  function t(key) {
    const v = DATA.texts[key] || {};
    return v[state.lang] || v.en || v.nb || key;
  }
  const isRtl = (code) => Boolean(LANGS[code] && LANGS[code].rtl);
  function langAttrs(code, auto) {
    if (!code || !LANGS[code]) return { dir: "auto" };
    return { lang: code, dir: auto ? "auto" : (isRtl(code) ? "rtl" : "ltr") };
  }

  function applyLanguage(code) {
    state.lang = LANGS[code] ? code : DATA.default_lang;
    const root = document.documentElement;
    root.lang = state.lang;
    root.dir = isRtl(state.lang) ? "rtl" : "ltr";
    document.querySelectorAll("[data-t]").forEach((n) => { n.textContent = t(n.dataset.t); });
    document.querySelectorAll("[data-t-placeholder]").forEach((n) => { n.placeholder = t(n.dataset.tPlaceholder); });
    document.querySelectorAll("[data-t-label]").forEach((n) => { n.setAttribute("aria-label", t(n.dataset.tLabel)); });
    ui.langName.textContent = LANGS[state.lang].name;
    ui.langName.lang = state.lang;
  }

  /* ---------- DOM helpers ---------- */
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) return;
      if (k === "class") node.className = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    });
    children.forEach((c) => { if (c !== null && c !== undefined && c !== "") node.append(c); });
    return node;
  }

  // Phone numbers become tel: links, web addresses links; both, and numbers with spaces, are
  // isolated left-to-right (<bdi dir=ltr>) so "116 117" stays in order inside Arabic or Persian text.
  const TOKEN = /(https?:\/\/[^\s<>"]+|(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:no|com|org|net|eu|info)\b(?:\/[^\s<>"]*)?)|(\+?\d(?:[\d\u00a0 ]*\d)?)/gi;
  const TRAILING = /[.,;:!?)\]»”'"]+$/;

  function telOf(token) {
    const d = token.replace(/\D/g, "");
    if (/^11[023]$/.test(d) || /^116\d{3}$/.test(d) || d === "02800") return d;
    if (!token.startsWith("+") && d.length === 8 && /^[2-9]/.test(d)) return d;
    if (token.startsWith("+") && d.length >= 10 && d.length <= 15) return "+" + d;
    return null;
  }

  function richText(node, text) {
    let last = 0;
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
      let token = m[0];
      const before = text.charAt(m.index - 1);
      if (/[\w@./-]/.test(before)) continue; // part of a word or an e-mail address
      let piece = null;
      if (m[1]) {
        const tail = token.match(TRAILING);
        if (tail) token = token.slice(0, -tail[0].length);
        if (!token.includes(".")) continue;
        const href = /^https?:/i.test(token) ? token : "https://" + token;
        piece = h("bdi", { dir: "ltr" }, h("a", { href, target: "_blank", rel: "noopener noreferrer" }, token));
      } else {
        const tel = telOf(token);
        if (tel) piece = h("bdi", { dir: "ltr" }, h("a", { href: "tel:" + tel }, token));
        else if (/\s/.test(token)) piece = h("bdi", { dir: "ltr" }, token);
      }
      if (!piece) continue;
      node.append(text.slice(last, m.index), piece);
      last = m.index + token.length;
      TOKEN.lastIndex = last;
    }
    node.append(text.slice(last));
  }

  function safeUrl(url) {
    try {
      const u = new URL(url);
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (e) { return null; }
  }

  /* ---------- the API ---------- */
  async function api(method, path, body) {
    const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let res;
    try { res = await fetch(path, init); } catch (e) { throw { offline: true }; }
    let json = null;
    if (res.status !== 204) {
      try { json = await res.json(); } catch (e) { json = null; }
    }
    if (!res.ok) throw { status: res.status, body: json || {} };
    return json;
  }
  const convPath = (suffix) => "/api/conversations/" + encodeURIComponent(state.id) + (suffix || "");

  function errorText(err) {
    if (!err || err.offline) return t("offline");
    const b = err.body || {};
    if (err.status === 503 && b.message) return b.message;
    if ([413, 422, 429].includes(err.status) && b.detail) return b.detail;
    return b.message || t("error_generic");
  }
  function showError(text) { ui.error.textContent = text; ui.error.hidden = false; }
  function clearError() { ui.error.textContent = ""; ui.error.hidden = true; }

  /* ---------- screens ---------- */
  function showPicker(focus) {
    ui.picker.hidden = false;
    ui.chat.hidden = true;
    ui.footer.hidden = true;
    ui.toolbar.hidden = true;
    if (!focus) return;
    const current = ui.picker.querySelector('[data-lang="' + state.lang + '"]');
    (current || ui.picker.querySelector(".lang-choice")).focus();
  }
  function showChat() {
    ui.notice.textContent = "";
    ui.picker.hidden = true;
    ui.chat.hidden = false;
    ui.footer.hidden = false;
    ui.toolbar.hidden = false;
  }
  function closeMenu() { ui.menu.open = false; }

  function setConvState(value) {
    state.conv = value;
    const handoff = value === "handoff";
    ui.handoffBar.hidden = !handoff;
    ui.human.hidden = handoff;
    if (handoff) schedulePoll();
    else stopPoll();
  }

  function resetLog() {
    ui.log.textContent = "";
    state.lastSeq = 0;
  }

  /* ---------- rendering the transcript ---------- */
  function personLabel(text) {
    if (!text.startsWith("/")) return text;
    const topic = DATA.topics.find((x) => x.payload === text);
    return state.labels[text] || (topic ? t(topic.key) : text);
  }

  function renderPerson(m) {
    ui.log.querySelectorAll(".quick").forEach((q) => q.remove()); // old quick replies no longer apply
    return h("div", { class: "msg msg-person", "data-seq": m.seq },
      h("span", { class: "sr-only" }, t("you") + ": "),
      h("p", { class: "bubble text", dir: "auto" }, personLabel(m.text)));
  }

  function badgesFor(p) {
    const out = [];
    if (!p) return out;
    if (p.method === "machine") out.push(["machine", t("machine_label")]);
    else if (p.method === "draft" || p.review === "unreviewed") out.push(["draft", t("draft_label")]);
    if (p.stale) out.push(["stale", t("stale_label")]);
    return out;
  }

  function renderReply(m) {
    const r = m.reply || { text: m.text, language: m.language, kind: m.kind || "smalltalk" };
    const kind = r.kind || m.kind || "";
    const staff = m.sender === "staff";
    const wrap = h("div", { class: "msg msg-" + m.sender + (kind ? " kind-" + kind : ""), "data-seq": m.seq });
    if (staff) {
      const role = r.staff_role;
      wrap.append(h("p", { class: "sender" }, t("staff"), role ? " · " : "", role ? h("bdi", {}, role) : ""));
    } else {
      wrap.append(h("span", { class: "sr-only" }, t("assistant") + ": "));
    }
    const bubble = h("div", { class: "bubble" });
    const textLang = langAttrs(r.language || m.language, staff);
    if (kind === "answer" && r.title) bubble.append(h("p", Object.assign({ class: "title" }, textLang), r.title));
    const body = h("p", Object.assign({ class: "text" }, textLang));
    richText(body, r.text || m.text || "");
    bubble.append(body);

    const badges = badgesFor(r.provenance);
    const shown = new Set(badges.map((b) => b[1]));
    (r.notes || []).forEach((n) => {
      if (!shown.has(n)) bubble.append(h("p", Object.assign({ class: "note" }, langAttrs(r.requested_language || state.lang)), n));
    });
    if (r.original) {
      const id = "original-" + m.seq;
      bubble.append(
        h("button", { type: "button", class: "link-button", "aria-expanded": "false", "aria-controls": id, "data-toggle": id }, t("show_original")),
        h("div", { class: "original", id, hidden: true }, h("p", { class: "text", lang: DATA.master, dir: "ltr" }, r.original)));
    }
    if (badges.length) {
      const list = h("ul", { class: "badges" });
      badges.forEach(([k, text]) => list.append(h("li", { class: "badge badge-" + k }, text)));
      bubble.append(list);
    }
    if (r.sources && r.sources.length) {
      const list = h("ul", { class: "source-list" });
      r.sources.forEach((s) => {
        const href = safeUrl(s.url);
        const title = h("bdi", {}, s.title || s.url);
        list.append(h("li", {}, href
          ? h("a", { class: "source", href, target: "_blank", rel: "noopener noreferrer" }, title, h("span", { class: "sr-only" }, " " + t("new_tab")))
          : title));
      });
      bubble.append(h("div", { class: "sources" }, h("p", { class: "sources-title" }, t("sources")), list));
    }
    if (r.last_verified) {
      bubble.append(h("p", { class: "checked" }, t("last_checked") + " ",
        h("bdi", { dir: "ltr" }, h("time", { datetime: r.last_verified }, r.last_verified))));
    }
    if (kind === "answer" && m.sender === "bot") bubble.append(feedbackBox(m.seq));
    wrap.append(bubble);

    if (r.buttons && r.buttons.length) {
      const quick = h("div", { class: "quick", role: "group" });
      r.buttons.forEach((b) => {
        const extra = b.payload.startsWith("lang:") ? langAttrs(b.payload.slice(5)) : {};
        quick.append(h("button", Object.assign({ type: "button", class: "chip", "data-payload": b.payload }, extra), b.title));
      });
      wrap.append(quick);
    }
    return wrap;
  }

  function feedbackBox(seq) {
    const box = h("div", { class: "feedback", role: "group", "aria-label": t("feedback_question") });
    const status = h("p", { class: "feedback-status", role: "status" });
    if (state.feedback[seq]) {
      status.textContent = t("feedback_thanks");
      box.append(status);
      return box;
    }
    box.append(
      h("span", { class: "feedback-question", "aria-hidden": "true" }, t("feedback_question")),
      h("button", { type: "button", class: "chip small", "data-feedback": "true", "data-seq": seq }, t("helpful")),
      h("button", { type: "button", class: "chip small", "data-feedback": "false", "data-seq": seq }, t("not_helpful")),
      status);
    return box;
  }

  function render(messages) {
    let first = null;
    messages.forEach((m) => {
      if (m.seq <= state.lastSeq) return; // already shown (a poll and a send may overlap)
      const node = m.sender === "person" ? renderPerson(m) : renderReply(m);
      ui.log.append(node);
      state.lastSeq = m.seq;
      if (!first) first = node;
    });
    if (first) first.scrollIntoView({ block: "start" });
  }

  async function sync() {
    if (!state.id) return;
    const tr = await api("GET", convPath("?after=" + state.lastSeq));
    render(tr.messages);
    setConvState(tr.state);
  }

  async function reloadAll() {
    ui.log.setAttribute("aria-live", "off"); // do not read the whole transcript out again
    resetLog();
    try { await sync(); } finally { setTimeout(() => ui.log.setAttribute("aria-live", "polite"), 0); }
  }

  /* ---------- polling while staff have the conversation ---------- */
  function schedulePoll() {
    if (state.poll) return;
    state.poll = setTimeout(async () => {
      state.poll = 0;
      if (state.conv !== "handoff" || !state.id) return;
      try { await sync(); } catch (err) {
        if (err.status === 404) { startOver(); return; }
      }
      if (state.conv === "handoff") schedulePoll();
    }, POLL_MS);
  }
  function stopPoll() {
    clearTimeout(state.poll);
    state.poll = 0;
  }

  /* ---------- actions ---------- */
  function setBusy(busy) {
    state.busy = busy;
    ui.typing.hidden = !busy;
    ui.send.disabled = busy;
  }

  async function ensureConversation() {
    if (state.id) return;
    const c = await api("POST", "/api/conversations", { lang: state.lang });
    state.id = c.id;
    state.lastSeq = 0;
    save();
  }

  async function postMessage(text) {
    await ensureConversation();
    try {
      await api("POST", convPath("/messages"), { text, lang: state.lang });
    } catch (err) {
      if (err.status !== 404) throw err;
      state.id = null; // deleted meanwhile (e.g. after the retention time): start a new one
      ui.log.querySelectorAll(".msg:not(.pending)").forEach((n) => n.remove());
      await ensureConversation();
      await api("POST", convPath("/messages"), { text, lang: state.lang });
    }
  }

  async function send(text, label) {
    const clean = text.trim();
    if (!clean || state.busy) return false;
    setBusy(true);
    clearError();
    if (label && clean.startsWith("/")) state.labels[clean] = label;
    const pending = h("div", { class: "msg msg-person pending", "aria-hidden": "true" }, h("p", { class: "bubble text", dir: "auto" }, label || clean));
    ui.log.append(pending);
    pending.scrollIntoView({ block: "end" });
    try {
      await postMessage(clean);
    } catch (err) {
      pending.remove();
      setBusy(false);
      showError(errorText(err));
      return false; // not sent: the caller gives the text back
    }
    save();
    try {
      await sync(); // the transcript, with the seq of each message
    } catch (err) {
      showError(errorText(err)); // sent, but not shown yet: the next sync shows it
    } finally {
      pending.remove();
      setBusy(false);
    }
    return true;
  }

  async function switchLanguage(code) {
    if (!LANGS[code]) return;
    clearError();
    if (state.id) {
      try {
        await api("PATCH", convPath(), { lang: code });
      } catch (err) {
        if (err.status === 404) state.id = null;
        else { showError(errorText(err)); return; }
      }
    }
    applyLanguage(code);
    save();
    showChat();
    ui.chatTitle.focus();
    if (state.id) {
      try { await reloadAll(); } catch (err) { showError(errorText(err)); }
    } else {
      resetLog();
    }
  }

  async function cancelHandoff() {
    if (!state.id) return;
    clearError();
    try {
      await api("POST", convPath("/handoff/cancel"));
    } catch (err) {
      if (err.status !== 409) { showError(errorText(err)); return; }
    }
    try { await sync(); } catch (err) { showError(errorText(err)); }
  }

  async function sendFeedback(button) {
    const seq = Number(button.dataset.seq);
    const helpful = button.dataset.feedback === "true";
    const box = button.closest(".feedback");
    const status = box.querySelector(".feedback-status");
    try {
      await api("POST", convPath("/feedback"), { seq, helpful });
      state.feedback[seq] = helpful ? 1 : -1;
      save();
      box.querySelectorAll("button, .feedback-question").forEach((n) => n.remove());
      status.textContent = t("feedback_thanks");
    } catch (err) {
      status.textContent = t("feedback_error");
    }
  }

  function askConfirm() {
    const dialog = ui.confirm;
    if (typeof dialog.showModal !== "function") return Promise.resolve(window.confirm(t("delete_confirm")));
    return new Promise((resolve) => {
      const yes = $("confirm-yes");
      const no = $("confirm-no");
      const finish = (answer) => {
        yes.removeEventListener("click", onYes);
        no.removeEventListener("click", onNo);
        dialog.removeEventListener("cancel", onNo);
        if (dialog.open) dialog.close();
        resolve(answer);
      };
      const onYes = () => finish(true);
      const onNo = (e) => { if (e) e.preventDefault(); finish(false); };
      yes.addEventListener("click", onYes);
      no.addEventListener("click", onNo);
      dialog.addEventListener("cancel", onNo); // Escape
      dialog.showModal();
      no.focus(); // the safe choice first
    });
  }

  function startOver() {
    stopPoll();
    state.id = null;
    state.labels = {};
    state.feedback = {};
    resetLog();
    setConvState("bot");
    clearError();
  }

  async function deleteChat() {
    closeMenu();
    if (!(await askConfirm())) { $("delete-button").focus(); return; }
    if (state.id) {
      try {
        await api("DELETE", convPath());
      } catch (err) {
        if (err.status !== 404) { showError(errorText(err)); return; }
      }
    }
    startOver();
    ui.input.value = "";
    forget();
    showPicker(true);
    ui.notice.textContent = t("deleted");
  }

  function newConversation() {
    closeMenu();
    startOver();
    save();
    showChat();
    ui.chatTitle.focus();
    ui.chat.scrollIntoView({ block: "start" });
  }

  /* ---------- events ---------- */
  ui.composer.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = ui.input.value;
    if (!text.trim()) { ui.input.focus(); return; }
    ui.input.value = "";
    if (!(await send(text))) {
      // never lose what the person typed: put it back (before anything typed meanwhile)
      ui.input.value = ui.input.value ? text + "\n" + ui.input.value : text;
      ui.input.focus();
    }
  });
  ui.input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      ui.composer.requestSubmit();
    }
  });

  document.addEventListener("click", (e) => {
    const target = e.target.closest("button");
    if (!target) {
      if (ui.menu.open && !e.target.closest("#menu")) closeMenu();
      return;
    }
    if (target.dataset.lang) { switchLanguage(target.dataset.lang); return; }
    if (target.dataset.feedback) { sendFeedback(target); return; }
    if (target.dataset.toggle) {
      const box = $(target.dataset.toggle);
      box.hidden = !box.hidden;
      target.setAttribute("aria-expanded", String(!box.hidden));
      return;
    }
    const payload = target.dataset.payload;
    if (payload) {
      closeMenu();
      if (payload.startsWith("lang:")) switchLanguage(payload.slice(5));
      else if (payload === "handoff:cancel") cancelHandoff();
      else send(payload, target.textContent.trim());
      return;
    }
    if (target.id === "lang-button") { closeMenu(); showPicker(true); return; }
    if (target.id === "new-button") { newConversation(); return; }
    if (target.id === "delete-button") { deleteChat(); return; }
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && ui.menu.open) {
      closeMenu();
      ui.menu.querySelector("summary").focus();
    }
  });

  /* ---------- start: resume the stored conversation, or the language picker ---------- */
  async function init() {
    const saved = load();
    state.labels = saved.labels || {};
    state.feedback = saved.feedback || {};
    applyLanguage(LANGS[saved.lang] ? saved.lang : DATA.default_lang);
    if (!saved.lang) { showPicker(); return; }
    showChat();
    if (!saved.id) return;
    state.id = saved.id;
    try {
      await reloadAll();
    } catch (err) {
      if (err.status === 404) { startOver(); save(); } else showError(errorText(err));
    }
  }
  init();
})();
