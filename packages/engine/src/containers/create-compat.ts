/**
 * What an older client's create body means today (moby's postContainersCreate compat layer):
 * the container-wide `Config.MacAddress` of API < 1.44 becomes the primary network's endpoint
 * MacAddress (handleMACAddressBC).
 */
import { InvalidArgument } from '@berth/shared';
import { below } from '../api/versions.js';
import type { CreateBody } from './create-config.js';

interface Endpoint { MacAddress?: string; [k: string]: unknown }
interface Networking { EndpointsConfig?: Record<string, Endpoint | null> | null }

const isBridgeOrUserDefined = (mode: string) =>
  mode === 'bridge' || !(mode === 'host' || mode === 'none' || mode.startsWith('container:'));

/** The endpoint config the container-wide settings belong to (moby's epConfigForNetMode). */
function endpointForMode(version: string, mode: string, net: Networking): Endpoint {
  const eps = net.EndpointsConfig ?? {};
  if (Object.keys(eps).length === 0) {
    const ep: Endpoint = {};
    net.EndpointsConfig = { [mode]: ep };
    return ep;
  }
  if (below(version, 'createMacAddressPerEndpoint')) {
    // One endpoint at most before 1.44: the old API would pick it whatever its key.
    const [key, ep] = Object.entries(eps)[0]!;
    return ep ?? (eps[key] = {});
  }
  if (!(mode in eps)) throw new InvalidArgument('HostConfig.NetworkMode must match the identity of a network in NetworkSettings.Networks');
  return eps[mode] ?? (eps[mode] = {});
}

/**
 * Moves `Config.MacAddress` to the endpoint it means and drops it from the Config; returns the
 * warnings for the response. Before 1.44 an endpoint MacAddress without a container-wide one is
 * ignored, as the old API ignored it.
 */
export function migrateLegacyMacAddress(body: CreateBody, version: string): string[] {
  const mac = typeof body.MacAddress === 'string' ? body.MacAddress : '';
  delete body.MacAddress;
  const hc = (body.HostConfig ??= {});
  if (!hc.NetworkMode || hc.NetworkMode === 'default') hc.NetworkMode = 'bridge';
  const mode = hc.NetworkMode;
  const net = ((body.NetworkingConfig as Networking | null | undefined) ?? {}) as Networking;
  body.NetworkingConfig = net;
  if (net.EndpointsConfig?.default && mode === 'bridge') {
    // "default" names the platform's default network: bridge.
    net.EndpointsConfig.bridge = net.EndpointsConfig.default;
    delete net.EndpointsConfig.default;
  }
  if (below(version, 'createMacAddressPerEndpoint')) {
    if (!mac) {
      for (const ep of Object.values(net.EndpointsConfig ?? {})) if (ep) delete ep.MacAddress;
      return [];
    }
    if (!isBridgeOrUserDefined(mode)) throw new InvalidArgument('conflicting options: mac-address and the network mode');
    endpointForMode(version, mode, net).MacAddress = mac;
    return [];
  }
  if (!mac) return [];
  if (isBridgeOrUserDefined(mode)) {
    let ep: Endpoint;
    try {
      ep = endpointForMode(version, mode, net);
    } catch (e) {
      throw new InvalidArgument(`unable to migrate container-wide MAC address to a specific network: ${(e as Error).message}`, { cause: e });
    }
    if (!ep.MacAddress) ep.MacAddress = mac;
    else if (ep.MacAddress.toLowerCase() !== mac.toLowerCase()) {
      throw new InvalidArgument('the container-wide MAC address must match the endpoint-specific MAC address for the main network, or be left empty');
    }
  }
  return ['The container-wide MacAddress field is now deprecated. It should be specified in EndpointsConfig instead.'];
}
