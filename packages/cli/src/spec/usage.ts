/**
 * Positional arguments of each command, as Docker's usage lines give them
 * (`docker run [OPTIONS] IMAGE [COMMAND] [ARG...]`). Keys are canonical command paths.
 * Flags come from commands.ts, generated from Docker's reference.
 */
export const usageArgs: Record<string, string> = {
  'container attach': 'CONTAINER',
  'container commit': 'CONTAINER [REPOSITORY[:TAG]]',
  'container cp': 'CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  'container create': 'IMAGE [COMMAND] [ARG...]',
  'container diff': 'CONTAINER',
  'container exec': 'CONTAINER COMMAND [ARG...]',
  'container export': 'CONTAINER',
  'container inspect': 'CONTAINER [CONTAINER...]',
  'container kill': 'CONTAINER [CONTAINER...]',
  'container logs': 'CONTAINER',
  'container ls': '',
  'container pause': 'CONTAINER [CONTAINER...]',
  'container port': 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  'container prune': '',
  'container rename': 'CONTAINER NEW_NAME',
  'container restart': 'CONTAINER [CONTAINER...]',
  'container rm': 'CONTAINER [CONTAINER...]',
  'container run': 'IMAGE [COMMAND] [ARG...]',
  'container start': 'CONTAINER [CONTAINER...]',
  'container stats': '[CONTAINER...]',
  'container stop': 'CONTAINER [CONTAINER...]',
  'container top': 'CONTAINER [ps OPTIONS...]',
  'container unpause': 'CONTAINER [CONTAINER...]',
  'container update': 'CONTAINER [CONTAINER...]',
  'container wait': 'CONTAINER [CONTAINER...]',
  'image build': 'PATH | URL | -',
  'image history': 'IMAGE',
  'image import': 'file|URL|- [REPOSITORY[:TAG]]',
  'image inspect': 'IMAGE [IMAGE...]',
  'image load': '',
  'image ls': '[REPOSITORY[:TAG]]',
  'image prune': '',
  'image pull': 'NAME[:TAG|@DIGEST]',
  'image push': 'NAME[:TAG]',
  'image rm': 'IMAGE [IMAGE...]',
  'image save': 'IMAGE [IMAGE...]',
  'image tag': 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  'builder build': 'PATH | URL | -',
  'builder prune': '',
  'network connect': 'NETWORK CONTAINER',
  'network create': 'NETWORK',
  'network disconnect': 'NETWORK CONTAINER',
  'network inspect': 'NETWORK [NETWORK...]',
  'network ls': '',
  'network prune': '',
  'network rm': 'NETWORK [NETWORK...]',
  'volume create': '[VOLUME]',
  'volume inspect': 'VOLUME [VOLUME...]',
  'volume ls': '',
  'volume prune': '',
  'volume rm': 'VOLUME [VOLUME...]',
  'volume update': '[VOLUME]',
  'system df': '',
  'system events': '',
  'system info': '',
  'system prune': '',
  'context create': 'CONTEXT',
  'context inspect': '[CONTEXT] [CONTEXT...]',
  'context ls': '',
  'context rm': 'CONTEXT [CONTEXT...]',
  'context show': '',
  'context update': 'CONTEXT',
  'context use': 'CONTEXT',
  'context export': 'CONTEXT [FILE|-]',
  'context import': 'CONTEXT FILE|-',
  inspect: 'NAME|ID [NAME|ID...]',
  login: '[SERVER]',
  logout: '[SERVER]',
  search: 'TERM',
  version: '',
};

export interface ArgCounts { min: number; max: number; line: string }

/** Minimum and maximum positional counts from a usage line: NAME required, [NAME] optional, "..." variadic. */
export function argCounts(usage: string): ArgCounts {
  const line = usage.split('\n')[0] ?? '';
  let min = 0;
  let max = 0;
  let alternative = false; // `PATH | URL | -`: alternatives of one argument
  let depth = 0; // the later words of a bracketed group (`[ps OPTIONS...]`) are optional too
  for (const tok of line.split(/\s+/).filter(Boolean)) {
    const inGroup = depth > 0;
    depth += (tok.match(/\[/g) ?? []).length - (tok.match(/\]/g) ?? []).length;
    if (inGroup) { if (tok.includes('...')) max = Infinity; continue; }
    if (tok === '|') { alternative = true; continue; }
    if (alternative) { alternative = false; continue; }
    if (tok.includes('...')) { max = Infinity; if (!tok.startsWith('[')) min++; continue; }
    if (tok.startsWith('[')) max++;
    else { min++; max++; }
  }
  return { min, max, line };
}
