// office serve's page ("Receptionist" for people): the task list with live status, and a task page — subtasks,
// plans, steps, approvals (approve or deny, with the argv shown), cost, events, and for a trace the call path
// diagram the server draws. Built on preact + htm, served by office itself; it talks only to the /v1 API.
import htm from 'htm';
import { h, render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

const html = htm.bind(h);
const TOKEN_KEY = 'office-token';

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function authHeaders() {
  const token = localStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: {
      ...authHeaders(),
      ...(options.body ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
  });
  const type = response.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, body?.error?.message ?? String(body));
  return body;
}

/** Reads a Server-Sent Events stream with fetch (so the token goes in a header, never in the URL). */
async function readEvents(taskId, lastId, onEvent, signal) {
  const response = await fetch(`/v1/tasks/${taskId}/events`, {
    headers: { ...authHeaders(), 'last-event-id': String(lastId) },
    signal,
  });
  if (!response.ok || !response.body) throw new ApiError(response.status, 'event stream refused');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let last = lastId;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return last;
    buffer += value;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((l) => l && !l.startsWith(':'))
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()]),
      );
      if (fields.data === undefined) continue;
      last = Number(fields.id);
      onEvent({ id: last, ...JSON.parse(fields.data) });
    }
  }
}

function useRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const match = /^#\/tasks\/([^/]+)$/.exec(hash);
  return match ? { page: 'task', id: decodeURIComponent(match[1]) } : { page: 'list' };
}

const Badge = ({ value }) => html`<span class="badge ${value}" data-status=${value}>${value}</span>`;

/** An argv as a shell would need it typed: words with spaces or quotes are quoted. */
function shellLine(argv) {
  return argv.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`)).join(' ');
}

function TokenForm({ onSaved }) {
  const [value, setValue] = useState('');
  return html`<section>
    <h2>This server needs a token</h2>
    <form class="row" onSubmit=${(e) => {
      e.preventDefault();
      localStorage.setItem(TOKEN_KEY, value.trim());
      onSaved();
    }}>
      <input type="password" placeholder="bearer token" value=${value} onInput=${(e) => setValue(e.target.value)} />
      <button class="primary" type="submit">Use token</button>
    </form>
  </section>`;
}

function SubmitForm() {
  const [request, setRequest] = useState('');
  const [error, setError] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    setError('');
    try {
      const accepted = await api('/v1/tasks', {
        method: 'POST',
        body: JSON.stringify({ request }),
        headers: { 'idempotency-key': crypto.randomUUID() },
      });
      location.hash = `#/tasks/${accepted.task_id}`;
    } catch (err) {
      setError(err.message);
    }
  };
  return html`<section>
    <h2>New task</h2>
    <form onSubmit=${submit}>
      <textarea name="request" rows="2" placeholder="trace checkout to chargeCard in ./src" value=${request}
        onInput=${(e) => setRequest(e.target.value)}></textarea>
      <div class="row"><button class="primary" type="submit" id="submit">Submit</button>
        ${error && html`<span class="error">${error}</span>`}</div>
    </form>
  </section>`;
}

function TaskList({ onAuth }) {
  const [tasks, setTasks] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let stopped = false;
    const load = async () => {
      try {
        const page = await api('/v1/tasks?limit=100');
        if (!stopped) setTasks(page.tasks);
        setError('');
      } catch (err) {
        if (err.status === 401) onAuth();
        else setError(err.message);
      }
    };
    load();
    const timer = setInterval(load, 2000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [onAuth]);
  return html`<${SubmitForm} />
    <section>
      <h2>Tasks</h2>
      ${error && html`<p class="error">${error}</p>`}
      ${
        tasks === null
          ? html`<p class="muted">loading…</p>`
          : tasks.length === 0
            ? html`<p class="muted">no tasks yet</p>`
            : html`<table id="tasks">
              <thead><tr><th>task</th><th>status</th><th>request</th><th>tenant</th><th>created</th></tr></thead>
              <tbody>${tasks.map(
                (t) => html`<tr data-task=${t.task_id}>
                  <td class="mono"><a href=${`#/tasks/${t.task_id}`}>${t.task_id}</a></td>
                  <td><${Badge} value=${t.state === 'finished' ? t.status : t.state} />
                    ${t.waiting_steps > 0 && html` <span class="muted">${t.waiting_steps} waiting</span>`}</td>
                  <td>${t.request}</td><td>${t.tenant}</td><td class="muted">${t.created_at.replace('T', ' ').slice(0, 19)}</td>
                </tr>`,
              )}</tbody>
            </table>`
      }
    </section>`;
}

function Approvals({ task, onDecided }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  if (task.needs_approval.length === 0) return null;
  const decide = async (steps, decision) => {
    setError('');
    try {
      await api(`/v1/tasks/${task.task_id}/approvals`, {
        method: 'POST',
        body: JSON.stringify({ steps, decision, ...(note.trim() ? { note: note.trim() } : {}) }),
      });
      onDecided();
    } catch (err) {
      setError(err.message);
    }
  };
  return html`<section id="approvals">
    <h2>Waiting for your approval</h2>
    ${task.needs_approval.map(
      (s) => html`<div class="approval" data-step=${s.step_id}>
        <div><strong>${s.step_id}</strong>: ${s.tool} <span class="muted">(${s.risk})</span> — ${s.reason}</div>
        ${
          s.argv
            ? html`<code class="argv" data-argv=${JSON.stringify(s.argv)}>${shellLine(s.argv)}</code>`
            : html`<code class="argv">${JSON.stringify(s.inputs)}</code>`
        }
        <div class="row">
          <button class="primary" data-action="approve" onClick=${() => decide([s.step_id], 'approve')}>Approve</button>
          <button class="danger" data-action="deny" onClick=${() => decide([s.step_id], 'deny')}>Deny</button>
        </div>
      </div>`,
    )}
    <input type="text" placeholder="note with a denial (optional): what to do instead" value=${note}
      onInput=${(e) => setNote(e.target.value)} />
    ${error && html`<p class="error">${error}</p>`}
  </section>`;
}

function Diagram({ taskId }) {
  const ref = useRef(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api(`/v1/tasks/${taskId}/diagram.svg`)
      .then((svg) => {
        // The server draws the SVG from the trace result, escaping every name and line of code in it.
        if (ref.current) ref.current.innerHTML = svg;
      })
      .catch((err) => setError(err.message));
  }, [taskId]);
  return html`<section><h2>Call path</h2>${error ? html`<p class="muted">${error}</p>` : html`<div class="diagram" ref=${ref}></div>`}</section>`;
}

function isTrace(result) {
  const one = (r) => r && typeof r === 'object' && Array.isArray(r.paths) && 'stats' in r;
  return one(result) || (result && typeof result === 'object' && Object.values(result).some(one));
}

function Plans({ doc }) {
  return html`<section><h2>Plans and steps</h2>
    ${doc.plans.map((p) => {
      const review = doc.reviews.find((r) => r.plan_id === p.plan.plan_id);
      return html`<h3 class="mono">${p.plan.plan_id} <span class="muted">(${p.subtask_id}, by ${p.by}${review ? `; review ${review.review.verdict}` : ''})</span></h3>
        <table><thead><tr><th>step</th><th>tool</th><th>inputs</th><th>status</th><th>result</th></tr></thead>
        <tbody>${p.plan.steps.map((s) => {
          const r = doc.steps[s.idempotency_key];
          const out = r?.error ?? (r?.output === undefined ? '' : JSON.stringify(r.output));
          return html`<tr><td class="mono">${s.step_id}</td><td>${s.action}</td><td class="mono">${JSON.stringify(s.inputs)}</td>
            <td><${Badge} value=${r?.status ?? 'not run'} /></td><td class="mono">${out.length > 240 ? `${out.slice(0, 240)}…` : out}</td></tr>`;
        })}</tbody></table>`;
    })}
  </section>`;
}

function TaskPage({ id, onAuth }) {
  const [task, setTask] = useState(null);
  const [doc, setDoc] = useState(null);
  const [events, setEvents] = useState([]);
  const [error, setError] = useState('');
  const kick = useRef(() => {});
  const refresh = useCallback(async () => {
    try {
      const [view, document] = await Promise.all([api(`/v1/tasks/${id}`), api(`/v1/tasks/${id}/document`)]);
      setTask(view);
      setDoc(document);
      return view;
    } catch (err) {
      if (err.status === 401) onAuth();
      else setError(err.message);
      return null;
    }
  }, [id, onAuth]);

  useEffect(() => {
    const controller = new AbortController();
    let last = -1;
    (async () => {
      while (!controller.signal.aborted) {
        try {
          last = await readEvents(
            id,
            last,
            (e) => {
              setEvents((all) => [...all, e]);
              refresh();
            },
            controller.signal,
          );
        } catch {
          if (controller.signal.aborted) return;
        }
        const view = await refresh();
        if (view && (view.progress.state === 'queued' || view.progress.state === 'running')) continue;
        // Nothing more comes until someone acts (an approval here kicks the stream) or a while has passed.
        await new Promise((resolve) => {
          kick.current = resolve;
          setTimeout(resolve, 3000);
        });
      }
    })();
    return () => controller.abort();
  }, [id, refresh]);

  if (error) return html`<section><p class="error">${error}</p></section>`;
  if (!task || !doc) return html`<section><p class="muted">loading…</p></section>`;
  const state = task.progress.state === 'finished' ? task.status : task.progress.state;
  return html`<section id="task" data-state=${task.progress.state} data-status=${task.status}>
      <h1 class="mono">${task.task_id}</h1>
      <p>${task.request}</p>
      <div class="row"><${Badge} value=${state} />
        <span class="muted">${task.progress.subtasks_done}/${task.progress.subtasks_total} subtasks · ${task.duration_ms} ms · tenant ${task.progress.tenant}</span>
        <a href=${`/v1/tasks/${task.task_id}/report`} target="_blank">HTML report</a></div>
      ${task.error && html`<p class="error">${task.error.code}: ${task.error.message}</p>`}
      ${
        (task.progress.state === 'queued' ||
          task.progress.state === 'running' ||
          task.progress.state === 'waiting') &&
        html`<button onClick=${() => api(`/v1/tasks/${task.task_id}/cancel`, { method: 'POST' }).then(refresh)}>Cancel</button>`
      }
    </section>
    <${Approvals} task=${task} onDecided=${() => {
      refresh();
      kick.current();
    }} />
    ${task.status === 'succeeded' && isTrace(task.result) && html`<${Diagram} taskId=${task.task_id} />`}
    <section><h2>Subtasks</h2><table><thead><tr><th>id</th><th>goal</th><th>status</th><th>plans</th></tr></thead>
      <tbody>${task.subtasks.map((s) => html`<tr><td class="mono">${s.id}</td><td>${s.goal}</td><td><${Badge} value=${s.status} /></td><td>${s.iterations}</td></tr>`)}</tbody></table></section>
    <${Plans} doc=${doc} />
    <section><h2>Approvals</h2>
      ${
        doc.approvals.length === 0
          ? html`<p class="muted">none</p>`
          : html`<table><tbody>${doc.approvals.map(
              (a) => html`<tr><td class="mono">${a.plan_id}/${a.step_id}</td><td>${a.tool} (${a.risk})</td>
          <td class="mono">${a.command ? shellLine(a.command) : (a.paths ?? []).map((p) => `${p.access} ${p.path}`).join(', ')}</td>
          <td><${Badge} value=${a.decision} /></td><td>${a.by}: ${a.reason}</td></tr>`,
            )}</tbody></table>`
      }</section>
    <section><h2>Cost</h2><p>${`${task.usage.model_calls} model calls (${task.usage.cache_hits} cached), ${task.usage.tokens_in} tokens in / ${task.usage.tokens_out} out, $${task.usage.cost_usd}`}</p></section>
    <section><h2>Result</h2><pre>${JSON.stringify(task.result, null, 2)}</pre></section>
    <section><h2>Events</h2><div class="events"><table><tbody>${events.map(
      (e) =>
        html`<tr><td class="mono muted">${e.id}</td><td class="mono">${e.type}</td><td class="mono">${e.step_id ?? e.subtask_id ?? ''} ${e.status ?? e.verdict ?? ''}</td></tr>`,
    )}</tbody></table></div></section>`;
}

function App() {
  const route = useRoute();
  const [needsToken, setNeedsToken] = useState(false);
  // Stable, so that the pages' effects (polling, the event stream) do not restart on every render of App.
  const onAuth = useCallback(() => setNeedsToken(true), []);
  return html`<header><a href="#/">office</a><span class="muted">serve</span>
      <a href="/openapi.json" style="margin-left:auto;font-weight:400">API</a></header>
    <main>
      ${
        needsToken
          ? html`<${TokenForm} onSaved=${() => setNeedsToken(false)} />`
          : route.page === 'task'
            ? html`<${TaskPage} key=${route.id} id=${route.id} onAuth=${onAuth} />`
            : html`<${TaskList} onAuth=${onAuth} />`
      }
    </main>`;
}

const root = document.getElementById('app');
// The static "loading…" placeholder goes: preact renders into the container, it does not replace its contents.
root.textContent = '';
render(html`<${App} />`, root);
