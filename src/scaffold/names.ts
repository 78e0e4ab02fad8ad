// The templates `cometbot new` knows (folders under templates/), apart from the code that reads them,
// so the command's flags and help load nothing more.
export const TEMPLATES = ['node', 'typescript', 'python'] as const;
export type TemplateName = (typeof TEMPLATES)[number];
