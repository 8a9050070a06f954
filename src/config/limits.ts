/**
 * The limits of the configuration layer, each with its reason.
 *
 * @module
 */

/** `%include` nesting: deep enough for any real layout, and it stops an include cycle. */
export const CONFIG_INCLUDE_DEPTH_MAX = 16;

/** Largest configuration text read from a URL, in bytes: a configuration is a few KB; this bounds a wrong URL. */
export const CONFIG_URL_BYTES_MAX = 1024 * 1024;

/** `demo:` URIs nest their base and changes URIs; a bound on the nesting stops pathological input. */
export const URI_NESTING_DEPTH_MAX = 8;
