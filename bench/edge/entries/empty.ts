/** An empty Worker: the baseline of the module-initialisation benchmark. */
export default {
  fetch(): Response {
    return new Response("ok");
  },
};
