/* kpitracker: the phone menu (the navbar's toggler), in place of Bootstrap's 80 KB
   JavaScript bundle, which the site loaded for this alone. It does what Bootstrap's
   Collapse did: the same classes (collapse, collapsing, show; `collapsed` on the
   button) and height animation from Bootstrap's CSS, aria-expanded on the button.
   A <button>, so Enter and Space work as they always did. Without JavaScript the
   menu stays closed on a phone, as it did with Bootstrap. */
(() => {
  "use strict";
  const seconds = (value) => parseFloat(value) * (value.endsWith("ms") ? 0.001 : 1) || 0;

  // Calls `done` when the element's height transition ends, at once when the CSS has
  // none (prefers-reduced-motion turns it off), with a timer in case no event comes.
  function afterTransition(element, done) {
    const style = getComputedStyle(element);
    const wait = (seconds(style.transitionDuration) + seconds(style.transitionDelay)) * 1000;
    if (wait === 0) {
      done();
      return;
    }
    let finished = false;
    const finish = () => {
      if (!finished) {
        finished = true;
        element.removeEventListener("transitionend", finish);
        done();
      }
    };
    element.addEventListener("transitionend", finish);
    setTimeout(finish, wait + 50);
  }

  function toggle(button, menu) {
    if (menu.classList.contains("collapsing")) {
      return; // still moving, as Bootstrap ignores a click mid-transition
    }
    const opening = !menu.classList.contains("show");
    button.setAttribute("aria-expanded", String(opening));
    button.classList.toggle("collapsed", !opening);
    if (opening) {
      menu.classList.remove("collapse");
      menu.classList.add("collapsing");
      menu.style.height = "0px";
      menu.getBoundingClientRect(); // start the transition from 0
      menu.style.height = `${menu.scrollHeight}px`;
    } else {
      menu.style.height = `${menu.getBoundingClientRect().height}px`;
      menu.getBoundingClientRect();
      menu.classList.add("collapsing");
      menu.classList.remove("collapse", "show");
      menu.style.height = "";
    }
    afterTransition(menu, () => {
      menu.classList.remove("collapsing");
      menu.classList.add("collapse");
      menu.classList.toggle("show", opening);
      menu.style.height = "";
    });
  }

  document.querySelectorAll("[data-menu-toggle]").forEach((button) => {
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    if (menu) {
      button.addEventListener("click", () => toggle(button, menu));
    }
  });
})();
