export function realClusterManifests(scenarioText: string): string;
