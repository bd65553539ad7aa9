/** What an alert, or its resolution, says: its title and text (the facts listed with it are built apart). */
export interface AlertWording {
  title: string;
  text: string;
}
