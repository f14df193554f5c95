// Live programme: when the server says the programme changed, fetch this page again (with the
// reader's own session, so nothing the reader may not see arrives) and swap the programme in.
(function () {
  const target = document.querySelector('[data-live]');
  if (!target || !window.EventSource) return;
  const source = new EventSource(target.dataset.live);
  source.addEventListener('changed', async () => {
    const response = await fetch(window.location.href, { credentials: 'same-origin' });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    const fresh = page.getElementById(target.id);
    if (fresh) target.replaceWith(fresh);
    fresh?.setAttribute('data-updated', String(Date.now()));
  });
})();
