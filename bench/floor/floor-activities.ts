/** The floor's one activity: does nothing, so only the engine's round trip is measured. */
export const floorActivities = {
  async step(name: string): Promise<string> {
    return name;
  },
};
export type FloorActivities = typeof floorActivities;
