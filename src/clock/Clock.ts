/** The current time as a parameter, so tests can move it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
