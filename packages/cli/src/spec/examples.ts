/**
 * The `Examples:` section of `berth COMMAND --help`, taken from the walkthroughs of the tutorials
 * the project was seeded from (Chinese Docker tutorials): the same commands, with `berth` for `docker`.
 * Keys are canonical command paths; every alias of a command shows its examples.
 */
export const examples: Record<string, [comment: string, command: string][]> = {
  'container run': [
    ['Start a shell in a busybox container, removed when it exits', 'berth run --rm -it busybox /bin/sh'],
    ['Run a command once and print its output', "berth run ouruser/ubuntu:v3 /bin/echo 'Hello Docker'"],
    ['Run in the background with a name, printing a line every second', 'berth run -d --name centos02 centos:latest /bin/sh -c "while true;do echo hello world;sleep 1;done"'],
    ['Publish a port and restart the container whenever it stops', 'berth run -d -p 5000:5000 --restart=always --name registry registry:2'],
    ['Bind-mount a host directory read-only', 'berth run -it -v /root/docker/volume:/opt/docker/volume2:ro nginx:latest /bin/sh'],
    ['Share the volumes of another container', 'berth run -it --name v2 --volumes-from data_volume centos:latest /bin/sh'],
    ['Use the host\'s network stack, or no network at all', 'berth run --name b2 -it --network host --rm busybox:latest\n  $ berth run --name b3 -it --network none --rm busybox:latest'],
    ['Limit memory and pin to CPU 0 with a relative CPU share', 'berth run -it -m 512m -c 512 --cpuset-cpus=0 progrium/stress --cpu 2 --timeout 120s'],
    ['Set labels, hostname and DNS servers', 'berth run -d --name labels -l author=arvon -l tester=Mo --hostname=test.example.com --dns=8.8.8.8 ubuntu:latest sleep 100'],
  ],
  'container ls': [
    ['List running containers', 'berth ps'],
    ['List all containers, stopped ones too', 'berth ps -a'],
    ['Filter by label', 'berth ps -a -f label=deployer=arvon'],
    ['Print only IDs (for scripts)', 'berth ps -aq'],
    ['Choose the columns with a Go template', "berth ps --format 'table {{.ID}}\\t{{.Names}}\\t{{.Status}}'"],
  ],
  'image ls': [
    ['List local images', 'berth images'],
    ['Only the images of one repository', 'berth image ls ouruser/ubuntu'],
    ['Print only image IDs', 'berth images -q'],
    ['Repository and tag of each image', "berth images --format '{{.Repository}}:{{.Tag}}'"],
  ],
  'image build': [
    ['Build the Dockerfile in the current directory and tag the image', 'berth build -t ouruser/ubuntu:v3 .'],
    ['Build successive versions of an image', 'berth build -t server:v1 .\n  $ berth build -t server:v2 .'],
    ['Build from a Dockerfile elsewhere', 'berth build -f ./docker/Dockerfile -t server:v3 .'],
  ],
  'container exec': [
    ['Open a shell in a running container', 'berth exec -it mysql /bin/bash'],
    ['Run one command in it', 'berth exec cef38a4d9fe51 cat /etc/hostname'],
  ],
  'container logs': [
    ['Print the output of a container', 'berth logs d2c3ce380095'],
    ['Follow it as it grows', 'berth logs -f d2c3ce380095'],
    ['Only the last 10 lines, with timestamps', 'berth logs --tail 10 -t d2c3ce380095'],
  ],
  'network create': [
    ['Create a user-defined bridge network; its containers resolve each other by name', 'berth network create mynet'],
    ['Choose the subnet and gateway', 'berth network create --subnet 172.28.0.0/16 --gateway 172.28.0.1 mynet'],
    ['Run containers on it', 'berth run -d --name web --network mynet nginx:latest\n  $ berth run --rm --network mynet busybox wget -qO- http://web'],
  ],
  'volume create': [
    ['Create a named volume and mount it in a container', 'berth volume create data_volume\n  $ berth run -it -v data_volume:/data busybox /bin/sh'],
    ['Add a label', 'berth volume create --label owner=ops data_volume'],
  ],
  'container commit': [
    ['Save a container\'s changes as a new image, with a message and an author', 'berth commit -m "added sinatra" -a "Docker Newbee" ff381b57f233 ouruser/sinatra:v2'],
    ['Change the image\'s default command while committing', "berth commit --change 'CMD [\"/bin/sh\"]' ff381b57f233 ouruser/sinatra:v3"],
  ],
  'image save': [
    ['Save an image to a tar archive', 'berth save -o ubuntu.tar ouruser/ubuntu:v3'],
    ['Save several images, compressed', 'berth save nginx:1.21.6 busybox:latest | gzip > images.tar.gz'],
  ],
  'image load': [
    ['Load images saved with berth save (or docker save)', 'berth load -i ubuntu.tar'],
    ['Load from standard input', 'berth load < nginx-1.21.6.tar'],
  ],
  'image pull': [
    ['Pull an image from a registry', 'berth pull nginx:1.21.6'],
    ['Pull from a private registry', 'berth pull localhost:5000/ouruser/ubuntu:v3'],
  ],
  'image push': [
    ['Tag an image for a registry, then push it', 'berth tag ouruser/ubuntu:v3 localhost:5000/ouruser/ubuntu:v3\n  $ berth push localhost:5000/ouruser/ubuntu:v3'],
  ],
  'container stop': [
    ['Stop a container, killing it after 25 seconds', 'berth stop -t 25 mysql'],
  ],
  'container inspect': [
    ['Print the PID of a container\'s main process', "berth inspect --format '{{.State.Pid}}' 4ddf4638572d"],
  ],
};

/** The section as it follows `Aliases:` in a command's help. */
export function examplesText(canonicalPath: string): string | undefined {
  const list = examples[canonicalPath];
  if (!list) return undefined;
  return list.map(([comment, cmd]) => `  # ${comment}\n  $ ${cmd}`).join('\n\n');
}
