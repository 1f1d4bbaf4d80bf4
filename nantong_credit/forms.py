from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be an ISO date whatever the language: the
    zh-hans input format (2027/02/05) is silently dropped by the browser, so a pre-filled date
    would vanish and the form come back with "required"."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class LoginForm(auth_forms.AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "登录", css_class="btn-nt w-100"))


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "修改密码", css_class="btn-nt"))
