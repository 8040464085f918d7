import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageInspect, imageSummary } from './views.js';
import type { ImageRecord } from './types.js';

const record = (config: Partial<ImageRecord['config']> = {}): ImageRecord => ({
  id: 'sha256:' + 'a'.repeat(64), repoTags: [], repoDigests: [], size: 7, parent: '', chainIDs: [],
  config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, ...config } as ImageRecord['config'],
});

test('image inspect by API version: Created, the Config\'s unset fields, VirtualSize, Container/ContainerConfig', () => {
  const noCreated = record({ config: { Cmd: ['sh'], Tty: true } as never });
  assert.equal(imageInspect(noCreated, [], undefined, '1.43').Created, '0001-01-01T00:00:00Z');
  assert.equal('Created' in JSON.parse(JSON.stringify(imageInspect(noCreated, [], undefined, '1.44'))), false);
  assert.deepEqual(imageInspect(noCreated, [], undefined, '1.49').Config, {
    Cmd: ['sh'], Tty: true, Entrypoint: null, Env: null, Labels: null, OnBuild: null, User: '', Volumes: null, WorkingDir: '',
    AttachStderr: false, AttachStdin: false, AttachStdout: false, Domainname: '', Hostname: '', Image: '', OpenStdin: false, StdinOnce: false,
  });
  assert.deepEqual(imageInspect(noCreated, [], undefined, '1.50').Config, {
    Cmd: ['sh'], Tty: true, Entrypoint: null, Env: null, Labels: null, OnBuild: null, User: '', Volumes: null, WorkingDir: '',
  });
  const i44 = imageInspect(noCreated, [], undefined, '1.44');
  assert.equal(imageInspect(noCreated, [], undefined, '1.43').VirtualSize, 7);
  assert.equal('VirtualSize' in i44, false);
  // moby shows &img.ContainerConfig: Docker's struct of zero values for an image no container made
  assert.equal(i44.Container, '');
  assert.deepEqual([i44.ContainerConfig?.Cmd, i44.ContainerConfig?.Hostname, i44.ContainerConfig?.Tty], [null, '', false]);
  const i45 = imageInspect(noCreated, [], undefined, '1.45');
  assert.equal('Container' in i45 || 'ContainerConfig' in i45, false);
});

test('image list by API version: <none> tags below 1.43, VirtualSize below 1.44', () => {
  assert.deepEqual([imageSummary(record(), '1.42').RepoTags, imageSummary(record(), '1.42').RepoDigests], [['<none>:<none>'], ['<none>@<none>']]);
  assert.deepEqual([imageSummary(record(), '1.43').RepoTags, imageSummary(record(), '1.43').VirtualSize], [[], 7]);
  assert.equal('VirtualSize' in imageSummary(record(), '1.44'), false);
});
