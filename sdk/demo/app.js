// The demo shop's script: no inline script or style anywhere, so the page runs under a strict CSP.
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? ''
const { configure } = await import(`${meta('plume-url')}/sdk/plume.js`)
configure({
  baseUrl: meta('plume-url'),
  publishableKey: meta('plume-publishable-key'),
  appearance: { variables: { colorSuccess: '#15803d' } },
})
document.addEventListener('plume:order-submitted', (e) => {
  document.getElementById('banner').textContent = `Order ${e.detail.number} received — thank you!`
})
document.getElementById('lang').addEventListener('click', () => {
  document.documentElement.lang = document.documentElement.lang === 'en' ? 'zh-CN' : 'en'
  configure({})
})
