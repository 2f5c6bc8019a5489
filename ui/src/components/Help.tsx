import { SHORTCUT_HELP } from "../keyboard/shortcuts";
import { helpOpen } from "../state/store";
import { Dialog } from "./Dialog";

export function HelpOverlay() {
  return (
    <Dialog title="Keyboard shortcuts" testid="help" onClose={() => (helpOpen.value = false)}>
      <div class="dialog-body">
        <table class="shortcuts">
          <tbody>
            {SHORTCUT_HELP.map((s) => (
              <tr key={s.keys}>
                <th scope="row">
                  <kbd>{s.keys}</kbd>
                </th>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="muted small">Space, the arrows and N work when you are not typing in a field.</p>
      </div>
    </Dialog>
  );
}
