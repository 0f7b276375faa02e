// The g2g cluster view: one renderer (ClusterView) for a live node (server-sent events from
// /events) and for a recorded simulator run (/recording, played with a timeline). Hand-written,
// no framework and no build step: the node serves this file as it is.
'use strict';
(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const STATES = ['alive', 'suspect', 'dead', 'left', 'removed'];
  const MAX_CHANGES = 60;
  const MAX_PULSES = 200;
  const $ = (id) => document.getElementById(id);
  const short = (id) => (id || '').slice(0, 8);

  /** A stable angle for a node id (FNV-1a), so members keep their place between redraws. */
  function hash(id) {
    let h = 2166136261;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
    return (h >>> 0) / 4294967296;
  }

  function el(name, attrs, parent) {
    const e = document.createElementNS(SVG, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function ago(ms, now) {
    if (!ms) return '';
    const s = Math.max(0, Math.round((now - ms) / 100) / 10);
    return s + 's ago';
  }

  /**
   * The model both modes fill: members (id → {nodeId, state, mode, addresses, group,
   * groupLabelMs, leafNotAfterMs, lastHeardMs, self, crashed, seen}), recent changes and topics.
   * `seen` (replay) counts how many observers hold the member in each state.
   */
  function ClusterView() {
    this.members = new Map();
    this.changes = [];
    this.topics = [];
    this.now = Date.now();
    this.dirty = true;
    this.stats = { renders: 0, events: 0, lastRenderMs: 0 };
    this.positions = new Map();
    this.pendingPulses = [];
    const frame = () => {
      if (this.dirty) this.render();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  ClusterView.prototype.change = function (event, label) {
    this.changes.unshift({ event, label });
    if (this.changes.length > MAX_CHANGES) this.changes.length = MAX_CHANGES;
    if (this.pendingPulses.length < MAX_PULSES) this.pendingPulses.push(event);
    this.stats.events++;
    this.dirty = true;
  };

  ClusterView.prototype.layout = function () {
    // Rings by latency group, nearest inside; members not measured (or a replay) on the outer ring.
    const groups = new Map();
    let self;
    for (const m of this.members.values()) {
      if (m.self) { self = m; continue; }
      const g = m.group || 0;
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(m);
    }
    const keys = [...groups.keys()].sort((a, b) => (a || 1e9) - (b || 1e9));
    const rings = [];
    const positions = new Map();
    if (self) positions.set(self.nodeId, { x: 0, y: 0 });
    keys.forEach((g, i) => {
      const r = keys.length === 1 ? 330 : 110 + (i * 260) / Math.max(1, keys.length - 1);
      const list = groups.get(g).sort((a, b) => hash(a.nodeId) - hash(b.nodeId));
      rings.push({ r, group: g, label: list[0].groupLabelMs });
      list.forEach((m, j) => {
        const a = ((j + hash(String(g)) ) / list.length) * 2 * Math.PI;
        positions.set(m.nodeId, { x: Math.cos(a) * r, y: Math.sin(a) * r });
      });
    });
    this.positions = positions;
    return rings;
  };

  ClusterView.prototype.render = function () {
    const started = performance.now();
    this.dirty = false;
    const rings = this.layout();
    const ringsG = $('rings');
    ringsG.textContent = '';
    for (const ring of rings) {
      el('circle', { class: 'ring', r: ring.r }, ringsG);
      const t = el('text', { class: 'ring-label', x: 4, y: -ring.r - 4 }, ringsG);
      t.textContent = ring.group ? 'group ' + ring.group + (ring.label !== undefined ? ' ~' + ring.label.toFixed(1) + ' ms' : '') : '';
    }
    const nodesG = $('nodes');
    nodesG.textContent = '';
    const many = this.members.size > 40;
    const radius = many ? 7 : 14;
    for (const m of this.members.values()) {
      const p = this.positions.get(m.nodeId);
      if (!p) continue;
      const g = el('g', { class: 'member state-' + m.state + (m.self ? ' self' : '') + (m.crashed ? ' crashed' : ''), 'data-node-id': m.nodeId, 'data-state': m.state, transform: 'translate(' + p.x.toFixed(1) + ',' + p.y.toFixed(1) + ')' }, nodesG);
      el('circle', { r: m.self ? radius + 4 : radius }, g);
      el('title', {}, g).textContent = m.nodeId + ' ' + m.state + (m.self ? ' (this node)' : '');
      if (!many) {
        const t = el('text', { y: radius + 11, 'text-anchor': 'middle' }, g);
        t.textContent = short(m.nodeId);
      }
    }
    this.drawPulses();
    this.renderTables();
    this.stats.renders++;
    this.stats.lastRenderMs = performance.now() - started;
  };

  /** Changes drawn as they spread: a line from whoever saw (or caused) it to whom it is about. */
  ClusterView.prototype.drawPulses = function () {
    const layer = $('pulses');
    for (const e of this.pendingPulses.splice(0)) {
      const to = this.positions.get(e.nodeId);
      const from = this.positions.get(e.observer) || this.positions.get(e.by) || { x: 0, y: 0 };
      if (!to) continue;
      const line = el('line', { class: 'pulse ' + e.type, x1: from.x, y1: from.y, x2: to.x, y2: to.y }, layer);
      setTimeout(() => line.remove(), 1500);
    }
  };

  ClusterView.prototype.renderTables = function () {
    const now = this.now;
    const rows = [...this.members.values()].sort((a, b) => (b.self ? 1 : 0) - (a.self ? 1 : 0) || (a.group || 1e9) - (b.group || 1e9) || (a.nodeId < b.nodeId ? -1 : 1));
    const body = document.querySelector('#members tbody');
    const html = [];
    for (const m of rows) {
      const seen = m.seen ? STATES.filter((s) => m.seen[s]).map((s) => s + ' ' + m.seen[s]).join(', ') + ' of ' + m.observers : '';
      const attrs = (m.seen ? STATES.map((s) => ' data-' + s + '="' + (m.seen[s] || 0) + '"').join('') : '') + (m.rumourSeen !== undefined ? ' data-rumour-seen="' + m.rumourSeen + '"' : '');
      html.push(
        '<tr class="state-' + m.state + '" data-node-id="' + m.nodeId + '" data-state="' + m.state + '"' + attrs + '>' +
          '<td class="id" title="' + m.nodeId + '">' + short(m.nodeId) + (m.self ? ' (this node)' : '') + (m.crashed ? ' (crashed)' : '') + '</td>' +
          '<td class="state">' + m.state + '</td>' +
          '<td>' + (m.mode || '') + '</td>' +
          '<td>' + (m.addresses || []).join(', ') + '</td>' +
          '<td>' + (m.group ? m.group + (m.rttMs !== undefined ? ' (' + m.rttMs.toFixed(2) + ' ms)' : '') : '') + '</td>' +
          '<td>' + (m.leafNotAfterMs ? new Date(m.leafNotAfterMs).toISOString().replace('.000Z', 'Z') : '') + '</td>' +
          '<td>' + ago(m.lastHeardMs, now) + '</td>' +
          '<td class="seen">' + seen + (m.rumourSeen !== undefined ? '; its record change reached ' + m.rumourSeen + ' of ' + m.observers : '') + '</td></tr>',
      );
    }
    body.innerHTML = html.join('');
    const changes = $('changes');
    changes.innerHTML = '';
    for (const c of this.changes) {
      const li = document.createElement('li');
      li.textContent = c.label;
      li.dataset.seq = c.event.seq;
      changes.appendChild(li);
    }
    const topics = document.querySelector('#topics tbody');
    topics.innerHTML = this.topics.map((t) => '<tr><td>' + t.topic + '</td><td>' + t.messages + '</td><td>' + t.bytes + '</td></tr>').join('');
  };

  const WORDS = {
    member_joined: 'joined', member_updated: 'updated its record', member_suspect: 'is suspect', member_alive: 'is alive again',
    member_dead: 'is dead', member_left: 'left', member_removed: 'was removed', leaf_rotated: 'rotated its leaf',
    ca_rotation_started: 'started a CA rotation', ca_rotation_switched: 'switched to its new CA', ca_rotation_retired: 'retired its previous CA',
    join_admitted: 'admitted to join', join_refused: 'refused a join', sim_crash: 'crashed', sim_partition: 'partitioned', sim_heal: 'partition healed', sim_rumour: 'changed its record (a rumour)',
  };
  function label(e, prefix) {
    const who = e.type.startsWith('join_') ? (e.nodeId ? short(e.nodeId) + ' ' : '') : short(e.nodeId) + ' ';
    return prefix + who + (WORDS[e.type] || e.type) + (e.by ? ' (by ' + short(e.by) + ')' : '') + (e.code ? ' ' + e.code : '');
  }

  // ---------------------------------------------------------------- live: a node's event stream

  function live(view) {
    const status = $('status');
    const source = new EventSource('events');
    source.addEventListener('snapshot', (msg) => {
      const s = JSON.parse(msg.data);
      $('title').textContent = s.cluster + ' as ' + short(s.observer) + ' sees it';
      view.now = s.atMs;
      view.members = new Map(s.members.map((m) => [m.nodeId, m]));
      view.topics = s.topics;
      view.dirty = true;
      const alive = s.members.filter((m) => m.state === 'alive').length;
      status.textContent = s.members.length + ' members, ' + alive + ' alive';
    });
    source.addEventListener('event', (msg) => {
      const e = JSON.parse(msg.data);
      const m = view.members.get(e.nodeId);
      if (e.type.startsWith('member_')) {
        if (e.type === 'member_removed') view.members.delete(e.nodeId);
        else view.members.set(e.nodeId, Object.assign(m || { nodeId: e.nodeId }, {
          state: e.state, mode: e.mode, addresses: e.addresses, leafNotAfterMs: e.leafNotAfterMs,
        }));
      }
      view.change(e, new Date(e.atMs).toISOString().slice(11, 23) + ' ' + label(e, ''));
    });
    source.onerror = () => (status.textContent = 'disconnected; retrying…');
  }

  // ---------------------------------------------------------------- replay: a recorded simulation

  async function replay(view) {
    const text = await (await fetch('recording')).text();
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const header = JSON.parse(lines[0]);
    const events = lines.slice(1).map((l) => JSON.parse(l));
    const interval = header.intervalMs;
    const roundOf = (e) => Math.floor((e.atMs - header.startMs) / interval);
    const lastRound = Math.max(header.rounds || 0, events.length ? roundOf(events[events.length - 1]) : 0);
    $('title').textContent = 'replay: ' + header.nodes.length + ' nodes, seed ' + header.seed;
    $('timeline').hidden = false;
    const scrubber = $('scrubber');
    scrubber.max = String(lastRound);
    $('jump').max = String(events.length);

    // views: observer → (subject → state); rebuilt from the start for a backward move.
    // rumours: subject → observers that have its record change (member_updated after its sim_rumour).
    let views, crashed, rumours, position, round;
    const reset = () => {
      views = new Map();
      crashed = new Set();
      rumours = new Map();
      for (const o of header.nodes) {
        const v = new Map();
        if (header.initial === 'alive') for (const s of header.nodes) if (s.id !== o.id) v.set(s.id, 'alive');
        views.set(o.id, v);
      }
      position = 0;
      round = 0;
      view.changes = [];
    };
    const apply = (e, draw) => {
      if (e.type === 'sim_crash') crashed.add(e.nodeId);
      else if (e.type === 'sim_rumour') rumours.set(e.nodeId, new Set());
      else if (e.type === 'member_updated' && rumours.has(e.nodeId)) rumours.get(e.nodeId).add(e.observer);
      if (e.type.startsWith('member_')) {
        const v = views.get(e.observer);
        if (v) e.type === 'member_removed' ? v.delete(e.nodeId) : v.set(e.nodeId, e.state);
      }
      const text = 'r' + roundOf(e) + ' ' + label(e, short(e.observer) + ': ');
      if (draw) view.change(e, text);
      else {
        // A jump: list the change, but draw no pulse for each of thousands of events.
        view.changes.unshift({ event: e, label: text });
        if (view.changes.length > MAX_CHANGES) view.changes.length = MAX_CHANGES;
      }
    };
    const publish = () => {
      const members = new Map();
      const observers = header.nodes.filter((n) => !crashed.has(n.id));
      for (const n of header.nodes) {
        const seen = {};
        let count = 0;
        for (const o of observers) {
          if (o.id === n.id) continue;
          const st = views.get(o.id).get(n.id);
          if (st) seen[st] = (seen[st] || 0) + 1;
          count++;
        }
        // What most observers that still hold the member think of it.
        let state = 'removed', best = 0;
        for (const s of STATES) if ((seen[s] || 0) > best) { best = seen[s]; state = s; }
        const rumour = rumours.get(n.id);
        members.set(n.id, { nodeId: n.id, state, mode: n.mode, addresses: n.addresses, crashed: crashed.has(n.id), seen, observers: count, ...(rumour ? { rumourSeen: rumour.size } : {}) });
      }
      view.members = members;
      view.now = header.startMs + round * interval;
      view.dirty = true;
      scrubber.value = String(round);
      $('round').textContent = 'round ' + round + ' / ' + lastRound + ' · event ' + position + ' / ' + events.length;
      $('status').textContent = 'replaying ' + events.length + ' recorded events';
      document.body.dataset.round = String(round);
      document.body.dataset.position = String(position);
    };
    /** Moves to the end of `target` round (events of rounds ≤ target applied). */
    const seekRound = (target, draw) => {
      if (target < round) reset();
      while (position < events.length && roundOf(events[position]) <= target) apply(events[position++], draw);
      round = target;
      publish();
    };
    const seekEvent = (n) => {
      if (n < position) reset();
      while (position < Math.min(n, events.length)) apply(events[position++], false);
      round = position > 0 ? roundOf(events[position - 1]) : 0;
      publish();
    };
    reset();

    let timer = null;
    const play = $('play');
    const stop = () => { clearInterval(timer); timer = null; play.textContent = 'play'; };
    const start = () => {
      if (round >= lastRound) seekRound(0, false);
      play.textContent = 'pause';
      timer = setInterval(() => {
        if (round >= lastRound) return stop();
        seekRound(round + 1, true);
      }, 1000 / Number($('speed').value));
    };
    play.onclick = () => (timer ? stop() : start());
    $('speed').onchange = () => { if (timer) { stop(); start(); } };
    $('step').onclick = () => { stop(); seekRound(Math.min(lastRound, round + 1), true); };
    scrubber.oninput = () => { stop(); seekRound(Number(scrubber.value), false); };
    $('jump').onchange = () => { stop(); seekEvent(Number($('jump').value)); };
    $('changes').onclick = (ev) => {
      const seq = ev.target && ev.target.dataset && ev.target.dataset.seq;
      const i = events.findIndex((e) => String(e.seq) === seq);
      if (i >= 0) { stop(); seekEvent(i + 1); }
    };

    const params = new URLSearchParams(location.search);
    if (params.has('round')) seekRound(Number(params.get('round')), false);
    else if (params.has('event')) seekEvent(Number(params.get('event')));
    else publish();
    if (params.get('play') === '1') start();
    window.g2gReplay = { seekRound, seekEvent, lastRound, events: events.length };
  }

  const view = new ClusterView();
  window.g2gView = view;
  fetch('mode').then((r) => r.json()).then((m) => (m.mode === 'replay' ? replay(view) : live(view))).catch((error) => ($('status').textContent = 'error: ' + error));
})();
