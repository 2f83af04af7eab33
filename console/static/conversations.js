// The Conversations pages, kept live by polling the console every two seconds (no build step,
// no library). Every value is set as text, never as HTML: messages are the patients' own words.
"use strict";
(function () {
  const POLL_MS = 2000;

  function cell(row, text, href) {
    const td = document.createElement("td");
    if (href) {
      const link = document.createElement("a");
      link.href = href;
      link.textContent = text;
      td.appendChild(link);
    } else {
      td.textContent = text;
    }
    row.appendChild(td);
  }

  function poll(url, render) {
    const tick = () =>
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((reply) => {
          // The session ended (the poll alone does not keep it alive): show the login page.
          if (reply.redirected) {
            window.location.assign(reply.url);
            return Promise.reject(reply.status);
          }
          return reply.ok || reply.status === 502 ? reply.json() : Promise.reject(reply.status);
        })
        .then(render)
        .catch(() => {})
        .finally(() => setTimeout(tick, POLL_MS));
    setTimeout(tick, POLL_MS);
  }

  // --- The list: waiting, mine, others' -------------------------------------------------------
  function list(root) {
    const seen = new Set([...root.querySelectorAll("tr[data-id]")].map((row) => row.dataset.id));
    const badge = document.getElementById("waiting-count");
    const announce = document.getElementById("live-announce");
    const title = document.title.replace(/^\(\d+\) /, "");
    poll(root.dataset.poll, (data) => {
      const fresh = [];
      root.querySelectorAll("section[data-section]").forEach((section) => {
        const rows = data.rows.filter((row) => row.state === section.dataset.section);
        const body = section.querySelector("tbody");
        body.replaceChildren(
          ...rows.map((row) => {
            const tr = document.createElement("tr");
            tr.dataset.id = String(row.id);
            if (!seen.has(tr.dataset.id)) {
              tr.classList.add("fresh");
              fresh.push(row);
            }
            cell(tr, row.waiting);
            cell(tr, row.channel);
            cell(tr, row.language);
            cell(tr, row.coordinator || "—");
            cell(tr, row.lead ? root.dataset.lead.replace("{id}", row.lead) : "—", row.lead ? "/leads/" + row.lead : null);
            cell(tr, root.dataset.open, row.url);
            tr.lastChild.firstChild.className = "open-conversation";
            return tr;
          })
        );
        section.querySelector(".empty").hidden = rows.length > 0;
      });
      fresh.forEach((row) => seen.add(String(row.id)));
      badge.textContent = badge.dataset.label.replace("{count}", data.waiting);
      badge.classList.toggle("badge-alert", data.waiting > 0);
      document.title = (data.waiting > 0 ? "(" + data.waiting + ") " : "") + title;
      if (fresh.length) announce.textContent = root.dataset.new + ": " + fresh.map((row) => row.channel).join(", ");
    });
  }

  // --- One conversation -------------------------------------------------------------------------
  function conversation(log) {
    const holder = document.getElementById("holder");
    const flag = document.getElementById("red-flag");
    const windowClosed = document.getElementById("window-closed");
    log.scrollTop = log.scrollHeight; // the newest messages first in view
    poll(log.dataset.poll, (data) => {
      if (!data.messages) return;
      const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
      log.replaceChildren(
        ...data.messages.map((message) => {
          const li = document.createElement("li");
          li.className = "line line-" + message.speaker + (message.alert ? " line-alert" : "");
          const meta = document.createElement("span");
          meta.className = "meta";
          meta.textContent = message.at.slice(11, 16) + " · " + message.who;
          const text = document.createElement("p");
          text.className = "patient-words";
          text.textContent = message.text;
          li.append(meta, text);
          return li;
        })
      );
      if (atBottom) log.scrollTop = log.scrollHeight;
      flag.hidden = !data.messages.some((message) => message.alert);
      holder.textContent = data.mine
        ? log.dataset.heldByYou
        : data.holder
          ? log.dataset.heldBy.replace("{name}", data.holder)
          : log.dataset.assistant;
      if (windowClosed) windowClosed.hidden = data.window_open;
    });
  }

  const root = document.getElementById("conversations");
  if (root) list(root);
  const log = document.getElementById("messages");
  if (log) conversation(log);
})();
