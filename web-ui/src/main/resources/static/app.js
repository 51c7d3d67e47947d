// Braid's minimal operator page: health, recipes, latest runs and one run's steps.
// Plain DOM, no framework. Every server-provided text goes through textContent and is never parsed as HTML.
'use strict';

(function () {
  const RUNS_PAGE = 20;
  const HEALTH_EVERY_MS = 10000;

  // The Authorization header value; held in memory only (never stored), gone on reload or sign-out.
  let authorization = null;
  let recipesCursor = null;
  let runsCursor = null;
  let selectedRunId = null;

  const $ = (id) => document.getElementById(id);

  // ---- HTTP -------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function basicAuth(user, password) {
    // btoa only takes Latin-1; encode as UTF-8 first so any password works.
    const bytes = new TextEncoder().encode(user + ':' + password);
    let binary = '';
    bytes.forEach((b) => { binary += String.fromCharCode(b); });
    return 'Basic ' + btoa(binary);
  }

  async function api(path) {
    const headers = {
      'Accept': 'application/json, application/problem+json',
      // Spring Security answers such requests with a bare 401 instead of a WWW-Authenticate
      // challenge, so the browser does not pop up its own login dialog.
      'X-Requested-With': 'XMLHttpRequest'
    };
    if (authorization) {
      headers['Authorization'] = authorization;
    }
    let response;
    try {
      response = await fetch(path, { headers: headers, credentials: 'omit', cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, 'The server cannot be reached (' + e.message + ')');
    }
    const type = response.headers.get('Content-Type') || '';
    const body = type.includes('json') ? await response.json().catch(() => null) : null;
    if (!response.ok) {
      if (response.status === 401) {
        throw new ApiError(401, 'Wrong password, or the session is no longer valid.');
      }
      const detail = body && (body.detail || body.title);
      throw new ApiError(response.status, 'HTTP ' + response.status + ' on ' + path + (detail ? ': ' + detail : ''));
    }
    return body;
  }

  // ---- DOM helpers (text only) ------------------------------------------------------------------

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function cell(row, text, className) {
    const td = el('td', text, className);
    row.appendChild(td);
    return td;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function formatTime(value) {
    if (!value) {
      return '—';
    }
    const date = new Date(value);
    if (isNaN(date.getTime())) {
      return String(value);
    }
    // Local time with milliseconds: run latencies are often a few milliseconds.
    const pad = (n, width) => String(n).padStart(width || 2, '0');
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + ' '
        + pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds())
        + '.' + pad(date.getMilliseconds(), 3);
  }

  function formatJson(value) {
    if (value === undefined || value === null) {
      return '';
    }
    return JSON.stringify(value, null, 2);
  }

  function statusBadge(status) {
    const safe = /^[a-z]+$/.test(String(status)) ? status : 'unknown';
    return el('span', status === undefined || status === null ? '?' : status, 'status status-' + safe);
  }

  function showApiError(error) {
    if (error instanceof ApiError && error.status === 401) {
      signOut('Wrong password, or the session is no longer valid.');
      return;
    }
    const box = $('api-error');
    box.textContent = error.message;
    show(box, true);
  }

  // ---- Health -----------------------------------------------------------------------------------

  async function refreshHealth() {
    const badge = $('health');
    let status = 'UNREACHABLE';
    try {
      const response = await fetch('/actuator/health', { headers: { 'Accept': 'application/json' }, cache: 'no-store' });
      const body = await response.json().catch(() => null);
      status = body && typeof body.status === 'string' ? body.status : 'HTTP ' + response.status;
    } catch (e) {
      // stays UNREACHABLE
    }
    badge.textContent = 'health: ' + status;
    badge.className = 'badge ' + (status === 'UP' ? 'badge-up' : 'badge-down');
  }

  // ---- Recipes ----------------------------------------------------------------------------------

  async function loadRecipes(append) {
    const query = append && recipesCursor ? '?cursor=' + encodeURIComponent(recipesCursor) : '';
    const page = await api('/api/v1/recipes' + query);
    const body = $('recipes').tBodies[0];
    if (!append) {
      clear(body);
    }
    const items = (page && page.items) || [];
    items.forEach((recipe) => {
      const row = document.createElement('tr');
      row.dataset.slug = recipe.slug;
      cell(row, recipe.slug, 'mono');
      cell(row, recipe.name);
      cell(row, recipe.version, 'num');
      cell(row, recipe.enabled ? 'yes' : 'no', recipe.enabled ? 'on' : 'off');
      cell(row, recipe.triggerType);
      body.appendChild(row);
    });
    recipesCursor = page ? page.nextCursor : null;
    show($('recipes-empty'), body.rows.length === 0);
    show($('recipes-more'), Boolean(recipesCursor));
  }

  // ---- Runs -------------------------------------------------------------------------------------

  async function loadRuns(append) {
    let query = '?limit=' + RUNS_PAGE;
    if (append && runsCursor) {
      query += '&cursor=' + encodeURIComponent(runsCursor);
    }
    const page = await api('/api/v1/runs' + query);
    const body = $('runs').tBodies[0];
    if (!append) {
      clear(body);
    }
    const items = (page && page.items) || [];
    items.forEach((run) => {
      const row = document.createElement('tr');
      row.dataset.runId = run.id;
      row.className = 'clickable';
      row.tabIndex = 0;
      row.title = 'Show this run\'s steps';
      cell(row, run.id, 'mono');
      cell(row, run.recipe, 'mono');
      cell(row, '').appendChild(statusBadge(run.status));
      cell(row, formatTime(run.createdAt));
      cell(row, formatTime(run.finishedAt));
      if (run.id === selectedRunId) {
        row.classList.add('selected');
      }
      body.appendChild(row);
    });
    runsCursor = page ? page.nextCursor : null;
    show($('runs-empty'), body.rows.length === 0);
    show($('runs-more'), Boolean(runsCursor));
  }

  function runRowFrom(target) {
    const row = target.closest('tr');
    return row && row.dataset.runId ? row : null;
  }

  async function showRun(id) {
    selectedRunId = id;
    Array.from($('runs').tBodies[0].rows).forEach((row) => {
      row.classList.toggle('selected', row.dataset.runId === id);
    });
    const run = await api('/api/v1/runs/' + encodeURIComponent(id));
    $('run-detail-id').textContent = run.id;

    const summary = $('run-summary');
    clear(summary);
    const fields = [
      ['Recipe', run.recipe + (run.recipeVersion !== undefined ? ' v' + run.recipeVersion : '')],
      ['Status', null],
      ['Origin', run.origin],
      ['Created', formatTime(run.createdAt)],
      ['Started', formatTime(run.startedAt)],
      ['Finished', formatTime(run.finishedAt)]
    ];
    fields.forEach(([label, value]) => {
      summary.appendChild(el('dt', label));
      const dd = el('dd', value);
      if (label === 'Status') {
        dd.appendChild(statusBadge(run.status));
      }
      summary.appendChild(dd);
    });
    if (run.error) {
      summary.appendChild(el('dt', 'Error'));
      summary.appendChild(el('dd', formatJson(run.error), 'error-text'));
    }
    if (run.output !== undefined && run.output !== null) {
      summary.appendChild(el('dt', 'Output'));
      const dd = el('dd');
      dd.appendChild(el('pre', formatJson(run.output), 'json'));
      summary.appendChild(dd);
    }

    const steps = $('steps').tBodies[0];
    clear(steps);
    (run.steps || []).forEach((step) => {
      const row = document.createElement('tr');
      row.dataset.path = step.path;
      cell(row, step.path, 'mono');
      cell(row, '').appendChild(statusBadge(step.status));
      cell(row, step.attempts, 'num');
      ['input', 'output', 'error'].forEach((field) => {
        const td = cell(row, '');
        const text = formatJson(step[field]);
        if (text) {
          td.appendChild(el('pre', text, field === 'error' ? 'json error-text' : 'json'));
        }
      });
      steps.appendChild(row);
    });
    $('run-json').textContent = formatJson(run);
    show($('run-detail'), true);
  }

  // ---- Session ----------------------------------------------------------------------------------

  async function refreshAll() {
    show($('api-error'), false);
    try {
      await Promise.all([loadRecipes(false), loadRuns(false)]);
    } catch (e) {
      showApiError(e);
    }
  }

  async function signIn(event) {
    event.preventDefault();
    const password = $('password').value;
    const errorBox = $('login-error');
    show(errorBox, false);
    authorization = basicAuth($('username').value, password);
    $('sign-in').disabled = true;
    try {
      await Promise.all([loadRecipes(false), loadRuns(false)]);
      $('password').value = '';
      show($('login'), false);
      show($('workspace'), true);
      show($('sign-out'), true);
    } catch (e) {
      authorization = null;
      errorBox.textContent = e.message;
      show(errorBox, true);
    } finally {
      $('sign-in').disabled = false;
    }
  }

  function signOut(message) {
    authorization = null;
    recipesCursor = null;
    runsCursor = null;
    selectedRunId = null;
    clear($('recipes').tBodies[0]);
    clear($('runs').tBodies[0]);
    clear($('steps').tBodies[0]);
    show($('run-detail'), false);
    show($('workspace'), false);
    show($('sign-out'), false);
    show($('login'), true);
    const errorBox = $('login-error');
    errorBox.textContent = typeof message === 'string' ? message : '';
    show(errorBox, typeof message === 'string');
    $('password').focus();
  }

  function openRunFrom(event) {
    const row = runRowFrom(event.target);
    if (row) {
      showRun(row.dataset.runId).catch(showApiError);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', () => signOut());
    $('refresh').addEventListener('click', refreshAll);
    $('recipes-more').addEventListener('click', () => loadRecipes(true).catch(showApiError));
    $('runs-more').addEventListener('click', () => loadRuns(true).catch(showApiError));
    $('runs').addEventListener('click', openRunFrom);
    $('runs').addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        openRunFrom(event);
      }
    });
    $('run-detail-close').addEventListener('click', () => {
      selectedRunId = null;
      show($('run-detail'), false);
      Array.from($('runs').tBodies[0].rows).forEach((row) => row.classList.remove('selected'));
    });
    refreshHealth();
    setInterval(refreshHealth, HEALTH_EVERY_MS);
  });
})();
