/** The Actor attributes dockerd puts on container events: the labels, then name and image. */
export interface ContainerLike { rec: { Id: string; Name: string; Config: { Image: string; Labels?: Record<string, string> } } }

export function containerAttrs(c: ContainerLike, extra: Record<string, string> = {}): Record<string, string> {
  return { ...(c.rec.Config.Labels ?? {}), image: c.rec.Config.Image, name: c.rec.Name.replace(/^\//, ''), ...extra };
}
